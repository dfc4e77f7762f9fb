/*
 * verify.c - offline verification of DATA/audit.
 *
 * Reads only files: checkpoints and anchors first (so that every record a
 * checkpoint covers was durable before we list the segments), then each
 * segment in order, recomputing every record's chain hash.  The result is
 * the FIRST bad sequence number over all the evidence: a broken record,
 * a gap, a bad checkpoint signature, a record that differs from what a
 * checkpoint signed, or a log that ends before its newest checkpoint.
 */
#include "audit/audit_int.h"

struct cplist {
	struct cu_audit_checkpoint *v;
	size_t n, cap;
};

static void bad_at(struct cu_audit_verify_result *res, uint64_t seq, const char *fmt, ...)
	CU_PRINTF(3, 4);

static void bad_at(struct cu_audit_verify_result *res, uint64_t seq, const char *fmt, ...)
{
	va_list ap;
	if (seq == 0)
		seq = 1;
	if (res->bad_seq && res->bad_seq <= seq)
		return;
	res->bad_seq = seq;
	va_start(ap, fmt);
	vsnprintf(res->reason, sizeof(res->reason), fmt, ap);
	va_end(ap);
}

static int cp_cmp(const void *x, const void *y)
{
	const struct cu_audit_checkpoint *a = x, *b = y;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Load a checkpoint or anchor file; bad lines are reported into res. */
static int load_cps(const char *path, bool anchor, bool must_exist, const uint8_t *pk,
		    struct cplist *l, struct cu_audit_verify_result *res)
{
	const char *what = anchor ? "purge anchor" : "checkpoint";
	char *txt = NULL;
	const char *line;
	size_t len = 0, pos = 0, n, lineno = 0;
	uint64_t prev_seq = 0;
	bool complete;
	int r;

	r = cu_audit_file_read(path, CU_AUDIT_MAX_CP_BYTES, &txt, &len);
	if (r == CU_ERR_NOT_FOUND && !must_exist)
		return CU_OK;
	if (r)
		return r;
	while (cu_audit_next_line(txt, len, &pos, &line, &n, &complete)) {
		struct cu_audit_checkpoint cp;
		lineno++;
		if (!complete) {
			/* A torn line from a crash is repaired at the next open;
			 * until then it proves nothing either way. */
			break;
		}
		r = cu_audit_checkpoint_check(anchor, line, n, pk, &cp);
		if (r == CU_ERR_INVALID) {
			bad_at(res, prev_seq + 1, "%s line %zu is malformed", what, lineno);
			continue;
		}
		if (r == CU_ERR_INTEGRITY) {
			bad_at(res, cp.seq, "the signature of the %s at sequence %llu is not valid "
			       "under the audit public key", what, (unsigned long long)cp.seq);
			continue;
		}
		prev_seq = cp.seq;
		if (l->n == l->cap) {
			l->cap = l->cap ? l->cap * 2 : 64;
			l->v = cu_realloc(l->v, l->cap * sizeof(*l->v));
		}
		l->v[l->n++] = cp;
	}
	cu_free(txt);
	return CU_OK;
}

/* Compare record ln with every checkpoint/anchor at its seq. */
static void match(struct cplist *l, size_t *i, const struct cu_audit_line *ln, bool anchor,
		  struct cu_audit_verify_result *res)
{
	while (*i < l->n && l->v[*i].seq < ln->seq)
		(*i)++;
	for (; *i < l->n && l->v[*i].seq == ln->seq; (*i)++)
		if (memcmp(l->v[*i].hash, ln->hash, CU_HASH_BYTES) != 0)
			bad_at(res, ln->seq, "record %llu differs from what the signed %s recorded",
			       (unsigned long long)ln->seq, anchor ? "purge anchor" : "checkpoint");
}

int cu_audit_verify_dir(const char *adir, const uint8_t *pubkey, const char *extra,
			struct cu_audit_verify_result *res)
{
	struct cplist cps = { NULL, 0, 0 }, ans = { NULL, 0, 0 };
	struct cu_audit_seg *segs = NULL;
	struct cu_audit_line last;
	struct cu_audit_map map = { "", 0 };
	char *path = NULL;
	uint8_t prev[CU_HASH_BYTES];
	size_t nseg = 0, ci = 0, ai = 0;
	uint64_t expected = 0, max_cp = 0;
	bool chain_ok = true;
	int r;

	memset(res, 0, sizeof(*res));
	memset(&last, 0, sizeof(last));
	if (pubkey) {
		memcpy(res->pubkey, pubkey, CU_SIGN_PK_BYTES);
	} else if ((r = cu_audit_pubkey_read(adir, res->pubkey))) {
		snprintf(res->reason, sizeof(res->reason), "%s",
			 r == CU_ERR_NOT_FOUND ? "no audit/pubkey: not an audit log, or pass --pubkey"
					       : "audit/pubkey is unreadable or malformed");
		return r == CU_ERR_NOT_FOUND ? CU_ERR_NOT_FOUND : CU_ERR_INTEGRITY;
	}
	/* Evidence first, then the records it covers. */
	path = cu_audit_file_path(adir, CU_AUDIT_CP_FILE);
	if ((r = load_cps(path, false, false, res->pubkey, &cps, res)))
		goto out;
	if (extra && (r = load_cps(extra, false, true, res->pubkey, &cps, res)))
		goto out;
	cu_free(path);
	path = cu_audit_file_path(adir, CU_AUDIT_ANCHOR_FILE);
	if ((r = load_cps(path, true, false, res->pubkey, &ans, res)))
		goto out;
	if (cps.n)
		qsort(cps.v, cps.n, sizeof(*cps.v), cp_cmp);
	if (ans.n)
		qsort(ans.v, ans.n, sizeof(*ans.v), cp_cmp);
	res->checkpoints = cps.n;
	res->anchors = ans.n;
	for (size_t i = 0; i < cps.n; i++)
		if (cps.v[i].seq > max_cp)
			max_cp = cps.v[i].seq;
	res->checkpoint_seq = max_cp;
	if ((r = cu_audit_seg_list(adir, &segs, &nseg)))
		goto out;
	res->segments = nseg;
	if (nseg == 0) {
		if (cps.n || ans.n)
			bad_at(res, 1, "every segment is missing but signed checkpoints exist");
		else
			r = CU_ERR_NOT_FOUND;
		goto done;
	}
	/* Where the chain starts: 1, or just after a signed purge anchor. */
	expected = segs[0].first;
	memset(prev, 0, sizeof(prev));
	if (expected != 1) {
		const struct cu_audit_checkpoint *an = NULL;
		uint64_t covered = 0;
		for (size_t i = 0; i < ans.n; i++) {
			if (ans.v[i].seq == expected - 1)
				an = &ans.v[i];
			if (ans.v[i].seq < expected && ans.v[i].seq > covered)
				covered = ans.v[i].seq;
		}
		if (!an) {
			bad_at(res, covered + 1, "records %llu..%llu are missing and no signed purge "
			       "anchor covers them (a segment was removed)",
			       (unsigned long long)(covered + 1), (unsigned long long)(expected - 1));
			chain_ok = false;
			goto done;
		}
		memcpy(prev, an->hash, CU_HASH_BYTES);
		/* Checkpoints of the purged range can only be matched to anchors. */
		for (size_t i = 0; i < cps.n; i++)
			for (size_t j = 0; j < ans.n && cps.v[i].seq < expected; j++)
				if (ans.v[j].seq == cps.v[i].seq &&
				    memcmp(ans.v[j].hash, cps.v[i].hash, CU_HASH_BYTES) != 0)
					bad_at(res, cps.v[i].seq, "a purge anchor contradicts the "
					       "signed checkpoint at %llu",
					       (unsigned long long)cps.v[i].seq);
	}
	res->first_seq = expected;
	for (size_t s = 0; s < nseg && chain_ok; s++) {
		const char *line;
		size_t len = 0, pos = 0, n, count = 0;
		bool complete;

		cu_audit_file_unmap(&map);
		if ((r = cu_audit_file_map(segs[s].path, CU_AUDIT_MAX_SEGMENT_BYTES, &map)))
			goto out;
		len = map.len;
		if (segs[s].first != expected) {
			if (segs[s].first > expected)
				bad_at(res, expected, "records %llu..%llu are missing (a segment was "
				       "removed)", (unsigned long long)expected,
				       (unsigned long long)(segs[s].first - 1));
			else
				bad_at(res, segs[s].first, "segment %016llu overlaps the one before it",
				       (unsigned long long)segs[s].first);
			chain_ok = false;
			break;
		}
		while (cu_audit_next_line(map.p, len, &pos, &line, &n, &complete)) {
			struct cu_audit_line ln;
			char why[128];

			if (!complete) {
				bad_at(res, expected, "record %llu is incomplete (cut short: a crash "
				       "before restart, or truncation)", (unsigned long long)expected);
				chain_ok = false;
				break;
			}
			if (cu_audit_line_check(line, n, &ln, why, sizeof(why))) {
				bad_at(res, expected, "record %llu: %s", (unsigned long long)expected, why);
				chain_ok = false;
				break;
			}
			if (ln.seq != expected) {
				bad_at(res, expected, "record %llu is missing or out of order (found "
				       "%llu in its place)", (unsigned long long)expected,
				       (unsigned long long)ln.seq);
				chain_ok = false;
				break;
			}
			if (memcmp(ln.prev, prev, CU_HASH_BYTES) != 0) {
				bad_at(res, expected, "record %llu does not chain to the record before "
				       "it", (unsigned long long)expected);
				chain_ok = false;
				break;
			}
			match(&cps, &ci, &ln, false, res);
			match(&ans, &ai, &ln, true, res);
			memcpy(prev, ln.hash, CU_HASH_BYTES);
			last = ln;
			res->records++;
			expected++;
			count++;
		}
		if (chain_ok && count == 0 && s + 1 < nseg) {
			bad_at(res, expected, "segment %016llu is empty but not the last one",
			       (unsigned long long)segs[s].first);
			chain_ok = false;
		}
	}
	res->last_seq = expected - 1;
	if (chain_ok && max_cp > res->last_seq)
		bad_at(res, res->last_seq + 1, "the log ends at %llu but a signed checkpoint covers "
		       "up to %llu: records were removed from the end",
		       (unsigned long long)res->last_seq, (unsigned long long)max_cp);
	if (chain_ok && ans.n && ans.v[ans.n - 1].seq > res->last_seq)
		bad_at(res, res->last_seq + 1, "a signed purge anchor lies beyond the end of the log");
done:
	r = res->bad_seq ? CU_ERR_INTEGRITY : r;
out:
	cu_audit_file_unmap(&map);
	cu_free(path);
	cu_free(cps.v);
	cu_free(ans.v);
	cu_audit_seg_list_free(segs, nseg);
	return r;
}

int cu_audit_verify(const char *data, const uint8_t *pubkey, const char *extra_checkpoints,
		    struct cu_audit_verify_result *res)
{
	char *adir = cu_audit_dir_path(data);
	int r = cu_audit_verify_dir(adir, pubkey, extra_checkpoints, res);
	cu_free(adir);
	return r;
}
