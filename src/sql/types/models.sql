-------------------------------------------------------------------------------
-- levels and models
-------------------------------------------------------------------------------
CREATE DOMAIN ismap.level AS pg_catalog.int2
	CONSTRAINT level_range CHECK (VALUE OPERATOR(pg_catalog.>=) 1 AND VALUE OPERATOR(pg_catalog.<=) 3);
COMMENT ON DOMAIN ismap.level IS 'registry level 1-3; a service registered at a level satisfies every lower one';

CREATE TYPE ismap.delivery_model AS ENUM ('IaaS', 'PaaS', 'SaaS');
COMMENT ON TYPE ismap.delivery_model IS 'cloud delivery model';

CREATE TYPE ismap.deployment_model AS ENUM ('public', 'private', 'community', 'hybrid');
COMMENT ON TYPE ismap.deployment_model IS 'cloud deployment model';

