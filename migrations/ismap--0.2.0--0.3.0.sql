-- ismap 0.2.0 -> 0.3.0
--
-- From 0.3.0 on, the install script is built from src/sql/ (one object per
-- file, in its final shape); this script carries only what changed since
-- 0.2.0.  test/upgrade/run checks that a fresh install and the upgrades
-- from 0.1.0 and from 0.2.0 end in the same catalog.
\echo Use "ALTER EXTENSION ismap UPDATE TO '0.3.0'" to load this file. \quit
