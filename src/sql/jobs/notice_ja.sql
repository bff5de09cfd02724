-------------------------------------------------------------------------------
-- the Japanese twin of a notice's detail (docs/japanese.md; DESIGN 3.15)
-------------------------------------------------------------------------------

-- A reason written by the jobs or by delist (registration.end_reason) in
-- Japanese; a reason a person typed stays as typed.
CREATE FUNCTION ismap_internal.reason_ja(r pg_catalog.text)
RETURNS pg_catalog.text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	m pg_catalog.text[];
BEGIN
	IF r IS NULL OR r = 'no reason recorded' THEN
		RETURN '理由の記録なし';
	END IF;
	m := pg_catalog.regexp_match(r, '^(.*) \(chain ([^()]*)\)$');
	IF m IS NOT NULL THEN
		RETURN ismap_internal.reason_ja(m[1]) || '（連鎖 ' || m[2] || '）';
	END IF;
	m := pg_catalog.regexp_match(r, '^validity ended on (\S+) without renewal$');
	IF m IS NOT NULL THEN
		RETURN pg_catalog.format('有効期限%sに更新なしで終了', m[1]);
	END IF;
	m := pg_catalog.regexp_match(r, '^validity ended on (\S+); renewal application (\S+) (\S+) on (\S+)$');
	IF m IS NOT NULL THEN
		RETURN pg_catalog.format('有効期限%sに終了。更新申請%sは%sに%s', m[1], m[2], m[4],
			CASE m[3] WHEN 'rejected' THEN '却下されました' WHEN 'withdrawn' THEN '取り下げられました'
				WHEN 'approved' THEN '承認されました' WHEN 'returned' THEN '差し戻されました' ELSE m[3] END);
	END IF;
	m := pg_catalog.regexp_match(r, '^replaced by renewal \(application (\S+)\)$');
	IF m IS NOT NULL THEN
		RETURN pg_catalog.format('更新（申請%s）により置き換え', m[1]);
	END IF;
	m := pg_catalog.regexp_match(r, '^platform (\S+) \(service (\S+)\) has had no registration since (\S+); grace of (.+) passed$');
	IF m IS NOT NULL THEN
		RETURN pg_catalog.format('基盤%s（サービス%s）は%sから登録がなく、猶予期間%sが過ぎました', m[1], m[2], m[3],
			pg_catalog.regexp_replace(pg_catalog.regexp_replace(pg_catalog.regexp_replace(pg_catalog.regexp_replace(m[4],
				'(\d+) years?', '\1年', 'g'), '(\d+) mons?', '\1か月', 'g'), '(\d+) days?', '\1日', 'g'), ' ', '', 'g'));
	END IF;
	m := pg_catalog.regexp_match(r, '^platform (\S+) \(service (\S+)\) is registered at level (\S+), below level (\S+)$');
	IF m IS NOT NULL THEN
		RETURN pg_catalog.format('基盤%s（サービス%s）はレベル%sで登録されており、レベル%sより低い', m[1], m[2], m[3], m[4]);
	END IF;
	m := pg_catalog.regexp_match(r, '^material change (\S+) \((\S+), effective (\S+)\) not covered by an audit by (\S+)$');
	IF m IS NOT NULL THEN
		RETURN pg_catalog.format('重要な変更%s（%s、%s発効）が%sまでの監査で確認されていません', m[1], m[2], m[3], m[4]);
	END IF;
	m := pg_catalog.regexp_match(r, '^platform suspended: (\S+) \(service (\S+)\) has material change (\S+) \((\S+), effective (\S+)\) not covered by an audit by (\S+)$');
	IF m IS NOT NULL THEN
		RETURN pg_catalog.format('基盤の一時停止：%s（サービス%s）の重要な変更%s（%s、%s発効）が%sまでの監査で確認されていません',
			m[1], m[2], m[3], m[4], m[5], m[6]);
	END IF;
	m := pg_catalog.regexp_match(r, '^platform delisted: (.*)$');
	IF m IS NOT NULL THEN
		RETURN '基盤の登録抹消：' || ismap_internal.reason_ja(m[1]);
	END IF;
	m := pg_catalog.regexp_match(r, '^registered at level (\S+), system (\S+) needs level (\S+)$');
	IF m IS NOT NULL THEN
		RETURN pg_catalog.format('レベル%sで登録。システム%sにはレベル%sが必要', m[1], m[2], m[3]);
	END IF;
	RETURN r;
END
$$;
COMMENT ON FUNCTION ismap_internal.reason_ja(pg_catalog.text) IS 'a registration''s end reason as the jobs, register and delist write it, in Japanese; a reason typed by a person is returned unchanged';

-- notice.detail_ja is generated from the English detail the jobs write:
-- one pattern per kind, the values put into the Japanese sentence.  A
-- detail of no known form gives NULL (the jobs layer checks that every
-- notice it writes has its Japanese).
CREATE FUNCTION ismap_internal.notice_detail_ja(kind pg_catalog.text, detail pg_catalog.text)
RETURNS pg_catalog.text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	m pg_catalog.text[];
	res pg_catalog.text;
BEGIN
	CASE kind
	WHEN 'renewal_due' THEN
		m := pg_catalog.regexp_match(detail, '^(.*): valid until (\S+) \((-?\d+) days\); (\d+)-day renewal notice$');
		res := pg_catalog.format('%s：有効期限%s（残り%s日）。%s日前の更新通知', m[1], m[2], m[3], m[4]);
	WHEN 'renewal_pending' THEN
		m := pg_catalog.regexp_match(detail, '^(.*): valid until (\S+), kept while renewal application (\S+) \(filed (\S+)\) is under review$');
		res := pg_catalog.format('%s：有効期限%s。更新申請%s（%s提出）の審査中のため登録を維持', m[1], m[2], m[3], m[4]);
	WHEN 'report_overdue' THEN
		m := pg_catalog.regexp_match(detail, '^(.*): monitoring report due on (\S+) not received$');
		res := pg_catalog.format('%s：期限%sの監視報告が届いていません', m[1], m[2]);
	WHEN 'body_not_selected' THEN
		m := pg_catalog.regexp_match(detail, '^application (\S+) \(service (\S+)\): audit (\S+) reported on (\S+) by (.*), not selected on that day$');
		res := pg_catalog.format('申請%s（サービス%s）：監査%sは%sに%sが報告しましたが、その日に選定されていませんでした',
			m[1], m[2], m[3], m[4], m[5]);
	WHEN 'change_audit_due' THEN
		m := pg_catalog.regexp_match(detail, '^change (\S+) of service (\S+) \((\S+), effective (\S+)\) needs an audit by (\S+) \((-?\d+) days\); (\d+)-day notice$');
		res := pg_catalog.format('サービス%sの変更%s（%s、%s発効）は%sまでに監査が必要です（残り%s日）。%s日前の通知',
			m[2], m[1], m[3], m[4], m[5], m[6], m[7]);
	WHEN 'control_limit_exceeded' THEN
		m := pg_catalog.regexp_match(detail, '^service (\S+) control (\S+): (\d+) deviations in (\d+) observations from (\S+) to (\S+); upper deviation limit (\S+) above the tolerable rate (\S+)$');
		res := pg_catalog.format('サービス%sの管理策%s：%s～%sの観察%s件中%s件の逸脱。逸脱率の上限%sが許容逸脱率%sを超えています',
			m[1], m[2], m[5], m[6], m[4], m[3], m[7], m[8]);
	WHEN 'remediation_overdue' THEN
		m := pg_catalog.regexp_match(detail, '^(.*): remediation (\S+) of control (\S+) was due on (\S+)$');
		res := pg_catalog.format('%s：管理策%sの是正%sの期限%sを過ぎています', m[1], m[3], m[2], m[4]);
	WHEN 'platform_level_drift' THEN
		m := pg_catalog.regexp_match(detail, '^(.*) \(service (\S+), level (\S+)\): its platform (\S+) \(service (\S+)\) is registered at level (\S+) since (\S+)$');
		res := pg_catalog.format('%s（サービス%s、レベル%s）：基盤%s（サービス%s）は%sからレベル%sで登録されています',
			m[1], m[2], m[3], m[4], m[5], m[7], m[6]);
	WHEN 'exemption_ending' THEN
		m := pg_catalog.regexp_match(detail, '^exemption (\S+): service (\S+) may stand on unregistered platform (\S+) until (\S+) \((-?\d+) days\); (\d+)-day notice$');
		res := pg_catalog.format('経過措置%s：サービス%sは未登録の基盤%s上で%sまで認められます（残り%s日）。%s日前の通知',
			m[1], m[2], m[3], m[4], m[5], m[6]);
	WHEN 'agency_notice' THEN
		m := pg_catalog.regexp_match(detail, '^agency (\S+), system (\S+), procurement (\S+): service (\S+) \((\S+)\) (expired|delisted|suspended|is on a platform below its level|renewed below the level the system needs) on (\S+): (.*)$');
		res := pg_catalog.format('機関%s、システム%s、調達%s：サービス%s（%s）は%sに%s：%s', m[1], m[2], m[3], m[4], m[5], m[7],
			CASE m[6] WHEN 'expired' THEN '期限切れになりました' WHEN 'delisted' THEN '登録抹消されました'
				WHEN 'suspended' THEN '一時停止されました'
				WHEN 'is on a platform below its level' THEN 'レベルの低い基盤上になりました'
				ELSE 'システムが必要とするレベルより低いレベルで更新されました' END,
			ismap_internal.reason_ja(m[8]));
	ELSE
		RETURN NULL;
	END CASE;
	-- a detail that does not have the kind's form has no Japanese
	RETURN CASE WHEN m IS NULL THEN NULL ELSE res END;
END
$$;
COMMENT ON FUNCTION ismap_internal.notice_detail_ja(pg_catalog.text, pg_catalog.text) IS 'the Japanese of a notice''s English detail (notice.detail_ja is generated from it); NULL for a detail of no known form';
