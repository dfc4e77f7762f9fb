/*
 * genlog.c - write a large, valid audit log quickly for the verify
 * benchmark: records are encoded with the real encoder
 * (cu_audit_record_encode) and checkpoints signed with a real keyring,
 * but written straight to the segment files without fdatasync per batch
 * (durability is not what this benchmark measures).
 *
 *   genlog DATA N   ->  DATA/audit/{pubkey,seg-*.log,checkpoints.log}
 */
#include "audit/audit.h"
#include "crypto/keyring.h"
#include "core/json.h"
#include "core/util.h"

#include <sys/stat.h>

#define SEG 100000u
#define CP_EVERY 1000u

static const char *const actors[] = { "alice", "bob", "carol", "dave", "erin" };
static const char *const roles[] = { "clerk", "sales", "admin" };
static const char *const fields[] = { "name", "phone", "cn_id", "email", "address" };

int main(int argc, char **argv)
{
	struct cu_key_source src = { "bench passphrase", 16, NULL };
	struct cu_keyring *kr = NULL;
	struct cu_buf path, line, cps;
	uint8_t prev[CU_HASH_BYTES] = { 0 }, hash[CU_HASH_BYTES];
	int64_t n, ts = 1767312000000;
	FILE *seg = NULL;
	char *pk;

	if (argc != 3 || cu_parse_int64(argv[2], 1, INT64_MAX, &n)) {
		fprintf(stderr, "usage: genlog DATA N\n");
		return 2;
	}
	cu_json_init();
	if (cu_crypto_init())
		return 1;
	cu_buf_init(&path, 8192);
	cu_buf_init(&line, CU_AUDIT_MAX_LINE);
	cu_buf_init(&cps, (size_t)1 << 30);
	mkdir(argv[1], 0700);
	if (cu_buf_printf(&path, "%s/audit", argv[1]))
		return 1;
	mkdir(path.data, 0700);
	cu_buf_reset(&path);
	if (cu_buf_printf(&path, "%s/bench-keyring.json", argv[1]) ||
	    cu_keyring_create(path.data, &src, CU_KDF_INTERACTIVE, &kr)) {
		fprintf(stderr, "genlog: cannot create a keyring\n");
		return 1;
	}
	pk = cu_hex(cu_keyring_audit_pk(kr), CU_SIGN_PK_BYTES);
	cu_buf_reset(&path);
	if (cu_buf_printf(&path, "%s/audit/pubkey", argv[1]))
		return 1;
	{
		FILE *f = fopen(path.data, "w");
		if (!f)
			return 1;
		fprintf(f, "%s\n", pk);
		fclose(f);
	}
	for (uint64_t s = 1; s <= (uint64_t)n; s++) {
		struct cu_audit_event ev;
		char rec[32], subj[32], req[32];
		uint64_t r = s * 2654435761u;

		if ((s - 1) % SEG == 0) {
			if (seg)
				fclose(seg);
			cu_buf_reset(&path);
			if (cu_buf_printf(&path, "%s/audit/seg-%016llu.log", argv[1], (unsigned long long)s))
				return 1;
			seg = fopen(path.data, "w");
			if (!seg)
				return 1;
		}
		memset(&ev, 0, sizeof(ev));
		snprintf(rec, sizeof(rec), "r-%llu", (unsigned long long)(r % 100000));
		snprintf(subj, sizeof(subj), "%016llx", (unsigned long long)(r * 31));
		snprintf(req, sizeof(req), "req-%llu", (unsigned long long)s);
		ev.type = r % 7 ? CU_AUDIT_RECORD_READ : CU_AUDIT_RECORD_REVEAL;
		ev.actor.id = actors[r % 5];
		ev.actor.name = actors[r % 5];
		ev.actor.roles = &roles[r % 3];
		ev.actor.nroles = 1;
		ev.actor.auth = CU_AUDIT_AUTH_TOTP;
		ev.actor.session_ref = subj;
		ev.source = "192.0.2.44";
		ev.client = "Mozilla/5.0 (X11; Linux x86_64)";
		ev.object.collection = "customers";
		ev.object.record_id = rec;
		ev.object.subject_ref = subj;
		ev.object.fields = &fields[r % 3];
		ev.object.nfields = 2;
		ev.purpose = "customer_service";
		ev.reason_code = "ok";
		ev.request_id = req;
		ts += (int64_t)(r % 5);
		cu_buf_reset(&line);
		if (cu_audit_record_encode(&ev, s, ts, prev, &line, hash) ||
		    fwrite(line.data, 1, line.len, seg) != line.len)
			return 1;
		memcpy(prev, hash, CU_HASH_BYTES);
		if (s % CP_EVERY == 0 || s == (uint64_t)n) {
			struct cu_audit_checkpoint cp;
			uint8_t msg[CU_AUDIT_SIGMSG_MAX];
			size_t mn;
			cp.seq = s;
			cp.ts_ms = ts;
			memcpy(cp.hash, hash, CU_HASH_BYTES);
			mn = cu_audit_sigmsg(false, s, hash, ts, msg);
			cu_keyring_audit_sign(kr, cp.sig, msg, mn);
			if (cu_audit_checkpoint_encode(&cp, &cps))
				return 1;
		}
	}
	if (seg)
		fclose(seg);
	cu_buf_reset(&path);
	if (cu_buf_printf(&path, "%s/audit/checkpoints.log", argv[1]) ||
	    cu_file_write_atomic(path.data, cps.data, cps.len, 0600))
		return 1;
	printf("%lld records, public key %s\n", (long long)n, pk);
	cu_free(pk);
	cu_keyring_free(kr);
	cu_buf_release(&path);
	cu_buf_release(&line);
	cu_buf_release(&cps);
	return 0;
}
