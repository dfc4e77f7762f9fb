/*
 * writer.c - appending to the audit log: group commit, segments,
 * checkpoints, crash recovery, fail-closed state and purge.
 *
 * Appenders encode their record under a.mu (which fixes its sequence
 * number and chain hash), add it to the pending batch and wait.  One
 * writer thread takes the whole pending batch, write()s it to the
 * current segment (rolling segments at record boundaries), fdatasync()s
 * and wakes every waiter whose record is now durable.  While it syncs,
 * new records accumulate into the next batch, so under load one sync
 * covers many requests.  The same thread writes the signed checkpoints.
 *
 * Locks: a.mu guards everything marked (mu); the writer thread alone
 * touches the (w) fields after open.  Writes to a segment or the
 * checkpoint file hold an exclusive flock on it, readers a shared one.
 */
#include "audit/audit_int.h"
#include "core/log.h"
#include "core/util.h"
#include "crypto/keyring.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* Appenders wait (back-pressure) while this much is pending. */
#define PEND_SOFT_MAX ((size_t)16 << 20)
#define PEND_HARD_MAX ((size_t)64 << 20)
/* Bytes read from the end of a segment to find its last record. */
#define TAIL_BYTES (2 * CU_AUDIT_MAX_LINE)

struct cu_audit {
	struct cu_audit_opts o;
	bool noop;
	uint64_t noop_seq;
	char *data, *adir;
	const struct cu_keyring *kr;
	int lock_fd;
	pthread_mutex_t mu, purge_mu;
	pthread_cond_t work, done;
	pthread_t thr;
	bool thr_started;
	/* (mu) */
	bool stopping;
	uint64_t next_seq;
	uint8_t tip[CU_HASH_BYTES];
	int64_t last_ts_ms;
	struct cu_buf pend;
	uint64_t pend_count;
	uint64_t durable_seq;
	uint8_t durable_hash[CU_HASH_BYTES];
	int failed;
	uint64_t cp_seq;
	int64_t cp_mono_ms;
	uint64_t cp_req_gen, cp_done_gen;
	uint64_t appended, batches;
	char fault_op;
	int fault_err;
	/* (w) */
	int seg_fd, cp_fd;
	uint64_t seg_first, seg_count;
};

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- reading the tail ------------------------------------------------- */

/* The last complete record of segment path: CU_ERR_NOT_FOUND if empty. */
static int seg_tail(const char *path, struct cu_audit_line *last)
{
	char buf[TAIL_BYTES + 1];
	char why[128];
	struct stat st;
	off_t off;
	ssize_t k;
	size_t got = 0, want, end, start;
	int fd, r = CU_ERR_IO;

	memset(last, 0, sizeof(*last));
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return CU_ERR_IO;
	if (flock(fd, LOCK_SH) || fstat(fd, &st))
		goto out;
	want = (size_t)(st.st_size < (off_t)TAIL_BYTES ? st.st_size : (off_t)TAIL_BYTES);
	off = st.st_size - (off_t)want;
	while (got < want) {
		k = pread(fd, buf + got, want - got, off + (off_t)got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			goto out;
		got += (size_t)k;
	}
	/* The last complete line ends at the last newline. */
	end = got;
	while (end > 0 && buf[end - 1] != '\n')
		end--;
	if (end == 0) {
		r = st.st_size == 0 ? CU_ERR_NOT_FOUND : CU_ERR_INTEGRITY;
		goto out;
	}
	end--; /* drop the newline */
	start = end;
	while (start > 0 && buf[start - 1] != '\n')
		start--;
	if (start == 0 && off != 0) {
		r = CU_ERR_INTEGRITY; /* longer than any record */
		goto out;
	}
	r = cu_audit_line_check(buf + start, end - start, last, why, sizeof(why));
out:
	close(fd);
	return r;
}

/* The newest valid line of a checkpoint/anchor file (cp->seq 0 if none).
 * A torn last line (crash) is cut off when repair is set. */
static int cp_file_tail(const char *path, bool anchor, const uint8_t *pk, bool repair,
			struct cu_audit_checkpoint *cp)
{
	char *txt = NULL;
	const char *line, *lastl = NULL;
	size_t len = 0, pos = 0, n, lastn = 0, good = 0;
	bool complete;
	int r;

	memset(cp, 0, sizeof(*cp));
	r = cu_audit_file_read(path, CU_AUDIT_MAX_CP_BYTES, &txt, &len);
	if (r == CU_ERR_NOT_FOUND)
		return CU_OK;
	if (r)
		return r;
	while (cu_audit_next_line(txt, len, &pos, &line, &n, &complete)) {
		if (!complete)
			break;
		lastl = line;
		lastn = n;
		good = pos;
	}
	if (good < len) {
		if (!repair || truncate(path, (off_t)good) != 0) {
			r = repair ? CU_ERR_IO : CU_OK;
			if (r)
				goto out;
		} else {
			cu_warn("audit: cut a torn last line off %s (crash during a write)",
				anchor ? CU_AUDIT_ANCHOR_FILE : CU_AUDIT_CP_FILE);
		}
	}
	if (lastl)
		r = cu_audit_checkpoint_check(anchor, lastl, lastn, pk, cp);
out:
	cu_free(txt);
	return r;
}

/* ---- opening ------------------------------------------------------------ */

static int io_err(int e)
{
	return (e == EROFS || e == EACCES || e == EPERM || e == ENOSPC || e == EDQUOT)
		       ? CU_ERR_UNAVAILABLE
		       : CU_ERR_IO;
}

static int seg_create(struct cu_audit *a, uint64_t first)
{
	char *path = cu_audit_seg_path(a->adir, first);
	int fd, r = CU_OK;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		r = io_err(errno);
		cu_error("audit: cannot create segment %016llu: %s",
			 (unsigned long long)first, strerror(errno));
		goto out;
	}
	if (cu_audit_sync_dir(a->adir)) {
		r = io_err(errno);
		close(fd);
		goto out;
	}
	if (a->seg_fd >= 0)
		close(a->seg_fd);
	a->seg_fd = fd;
	a->seg_first = first;
	a->seg_count = 0;
out:
	cu_free(path);
	return r;
}

static int integrity(const char *what, uint64_t seq, const char *why)
{
	cu_error("audit: the log is damaged (%s at sequence %llu: %s); refusing to append. "
		 "Run 'custos audit verify' and investigate before restarting.",
		 what, (unsigned long long)seq, why);
	return CU_ERR_INTEGRITY;
}

/*
 * Find where the chain ends: check the last segment record by record
 * (cutting a torn last line), link it to the previous segment or purge
 * anchor, and compare with the newest checkpoint.
 */
static int recover(struct cu_audit *a)
{
	const uint8_t *pk = cu_keyring_audit_pk(a->kr);
	struct cu_audit_seg *segs = NULL;
	struct cu_audit_checkpoint cp, an;
	struct cu_audit_line ln, first_ln, prevseg;
	char *txt = NULL, *cpath = NULL, *apath = NULL;
	const char *line;
	char why[128];
	size_t nseg = 0, len = 0, pos = 0, n, good = 0;
	uint64_t count = 0;
	bool complete;
	int r;

	memset(&first_ln, 0, sizeof(first_ln));
	memset(&ln, 0, sizeof(ln));
	cpath = cu_audit_file_path(a->adir, CU_AUDIT_CP_FILE);
	apath = cu_audit_file_path(a->adir, CU_AUDIT_ANCHOR_FILE);
	if ((r = cp_file_tail(cpath, false, pk, true, &cp))) {
		r = r == CU_ERR_INTEGRITY || r == CU_ERR_INVALID
			    ? integrity("checkpoint", cp.seq, "bad signature or malformed line")
			    : r;
		goto out;
	}
	if ((r = cp_file_tail(apath, true, pk, true, &an))) {
		r = r == CU_ERR_INTEGRITY || r == CU_ERR_INVALID
			    ? integrity("purge anchor", an.seq, "bad signature or malformed line")
			    : r;
		goto out;
	}
	if ((r = cu_audit_seg_list(a->adir, &segs, &nseg)))
		goto out;
	if (nseg == 0) {
		if (cp.seq || an.seq) {
			r = integrity("segments", 1, "checkpoints exist but every segment is gone");
			goto out;
		}
		a->next_seq = 1;
		r = seg_create(a, 1);
		goto out;
	}
	/* Walk the last segment. */
	r = cu_audit_file_read(segs[nseg - 1].path, CU_AUDIT_MAX_SEGMENT_BYTES, &txt, &len);
	if (r)
		goto out;
	while (cu_audit_next_line(txt, len, &pos, &line, &n, &complete)) {
		uint64_t want = segs[nseg - 1].first + count;
		struct cu_audit_line cur;
		if (!complete)
			break;
		if (cu_audit_line_check(line, n, &cur, why, sizeof(why))) {
			r = integrity("record", want, why);
			goto out;
		}
		if (cur.seq != want) {
			r = integrity("record", want, "sequence number out of order");
			goto out;
		}
		if (count && memcmp(cur.prev, ln.hash, CU_HASH_BYTES) != 0) {
			r = integrity("record", want, "does not chain to the previous record");
			goto out;
		}
		if (!count)
			first_ln = cur;
		ln = cur;
		count++;
		good = pos;
	}
	/* Link the segment's first record to what precedes it. */
	memset(&prevseg, 0, sizeof(prevseg));
	if (nseg >= 2) {
		if ((r = seg_tail(segs[nseg - 2].path, &prevseg))) {
			r = integrity("segment", segs[nseg - 2].first, "cannot read its last record");
			goto out;
		}
		if (prevseg.seq + 1 != segs[nseg - 1].first) {
			r = integrity("segment", prevseg.seq + 1, "records missing between segments");
			goto out;
		}
	} else if (segs[0].first != 1) {
		if (an.seq + 1 != segs[0].first) {
			r = integrity("segment", 1, "log starts late without a signed purge anchor");
			goto out;
		}
		prevseg.seq = an.seq;
		memcpy(prevseg.hash, an.hash, CU_HASH_BYTES);
	}
	if (count && memcmp(first_ln.prev, prevseg.hash, CU_HASH_BYTES) != 0) {
		r = integrity("record", first_ln.seq, "does not chain to the previous segment");
		goto out;
	}
	if (!count)
		ln = prevseg;
	/* The newest checkpoint must not be ahead of the log. */
	if (cp.seq > ln.seq) {
		r = integrity("log tail", ln.seq + 1, "the log ends before its newest checkpoint: truncated");
		goto out;
	}
	if (cp.seq && cp.seq == ln.seq && memcmp(cp.hash, ln.hash, CU_HASH_BYTES) != 0) {
		r = integrity("record", cp.seq, "does not match the signed checkpoint");
		goto out;
	}
	if (good < len) {
		/* A torn write: never acknowledged, since append waits for the
		 * whole batch to be synced.  Cut it so the chain goes on. */
		cu_warn("audit: cutting a torn record after sequence %llu (crash or failed write)",
			(unsigned long long)ln.seq);
		if (truncate(segs[nseg - 1].path, (off_t)good) != 0) {
			r = io_err(errno);
			goto out;
		}
	}
	a->next_seq = ln.seq + 1;
	memcpy(a->tip, ln.hash, CU_HASH_BYTES);
	a->durable_seq = ln.seq;
	memcpy(a->durable_hash, ln.hash, CU_HASH_BYTES);
	a->last_ts_ms = ln.ts_ms;
	a->cp_seq = cp.seq;
	a->seg_fd = open(segs[nseg - 1].path, O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
	if (a->seg_fd < 0) {
		r = io_err(errno);
		goto out;
	}
	a->seg_first = segs[nseg - 1].first;
	a->seg_count = count;
out:
	cu_free(txt);
	cu_free(cpath);
	cu_free(apath);
	cu_audit_seg_list_free(segs, nseg);
	return r;
}

static int pubkey_check(struct cu_audit *a)
{
	uint8_t pk[CU_SIGN_PK_BYTES];
	const uint8_t *mine = cu_keyring_audit_pk(a->kr);
	char *path, *hex;
	struct cu_buf b;
	int r;

	r = cu_audit_pubkey_read(a->adir, pk);
	if (r == CU_OK) {
		if (memcmp(pk, mine, CU_SIGN_PK_BYTES) != 0) {
			cu_error("audit: %s/pubkey names another signing key than this keyring's; "
				 "refusing to append", CU_AUDIT_SUBDIR);
			return CU_ERR_INTEGRITY;
		}
		return CU_OK;
	}
	if (r != CU_ERR_NOT_FOUND) {
		cu_error("audit: cannot read %s/pubkey", CU_AUDIT_SUBDIR);
		return r == CU_ERR_INVALID ? CU_ERR_INTEGRITY : r;
	}
	path = cu_audit_file_path(a->adir, CU_AUDIT_PUBKEY_FILE);
	hex = cu_hex(mine, CU_SIGN_PK_BYTES);
	cu_buf_init(&b, 256);
	r = cu_buf_printf(&b, "%s\n", hex);
	if (!r && cu_file_write_atomic(path, b.data, b.len, 0644))
		r = io_err(errno);
	if (!r && cu_audit_sync_dir(a->adir))
		r = io_err(errno);
	cu_buf_release(&b);
	cu_free(hex);
	cu_free(path);
	return r;
}

static void *writer_main(void *arg);

int cu_audit_open(const char *data, const struct cu_keyring *kr,
		  const struct cu_audit_opts *opts, struct cu_audit **out)
{
	struct cu_audit *a = NULL;
	char *path = NULL;
	int r = CU_OK;

	*out = NULL;
	a = cu_calloc(1, sizeof(*a));
	if (opts)
		a->o = *opts;
	if (!a->o.checkpoint_every)
		a->o.checkpoint_every = CU_AUDIT_DEFAULT_CHECKPOINT_EVERY;
	if (!a->o.checkpoint_secs)
		a->o.checkpoint_secs = CU_AUDIT_DEFAULT_CHECKPOINT_SECS;
	if (!a->o.segment_records)
		a->o.segment_records = CU_AUDIT_DEFAULT_SEGMENT_RECORDS;
	if (!a->o.retention_days)
		a->o.retention_days = CU_AUDIT_MIN_RETENTION_DAYS;
	a->lock_fd = a->seg_fd = a->cp_fd = -1;
	a->noop = a->o.noop;
	pthread_mutex_init(&a->mu, NULL);
	pthread_mutex_init(&a->purge_mu, NULL);
	pthread_cond_init(&a->work, NULL);
	pthread_cond_init(&a->done, NULL);
	cu_buf_init(&a->pend, PEND_HARD_MAX);
	if (a->o.retention_days < CU_AUDIT_MIN_RETENTION_DAYS) {
		cu_error("audit: retention of %lld days refused: the law requires at least %d",
			 (long long)a->o.retention_days, CU_AUDIT_MIN_RETENTION_DAYS);
		r = CU_ERR_INVALID;
		goto out;
	}
	if (a->noop)
		goto out;
	if (!kr || !data) {
		r = CU_ERR_INVALID;
		goto out;
	}
	a->kr = kr;
	a->data = cu_strdup(data);
	a->adir = cu_audit_dir_path(data);
	if (mkdir(a->adir, 0700) != 0 && errno != EEXIST) {
		r = io_err(errno);
		cu_error("audit: cannot create the audit directory: %s", strerror(errno));
		goto out;
	}
	path = cu_audit_file_path(a->adir, CU_AUDIT_LOCK_FILE);
	a->lock_fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (a->lock_fd < 0) {
		r = io_err(errno);
		cu_error("audit: cannot open the audit log for writing: %s", strerror(errno));
		goto out;
	}
	if (flock(a->lock_fd, LOCK_EX | LOCK_NB) != 0) {
		r = errno == EWOULDBLOCK ? CU_ERR_LOCKED : CU_ERR_IO;
		cu_error("audit: another process is writing this audit log");
		goto out;
	}
	if ((r = pubkey_check(a)) || (r = recover(a)))
		goto out;
	cu_free(path);
	path = cu_audit_file_path(a->adir, CU_AUDIT_CP_FILE);
	a->cp_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (a->cp_fd < 0 || cu_audit_sync_dir(a->adir)) {
		r = io_err(errno);
		goto out;
	}
	a->cp_mono_ms = cu_time_mono_ms();
	if (pthread_create(&a->thr, NULL, writer_main, a) != 0) {
		r = CU_ERR_INTERNAL;
		goto out;
	}
	a->thr_started = true;
out:
	cu_free(path);
	if (r) {
		int ignored = cu_audit_close(a);
		(void)ignored;
		a = NULL;
	}
	*out = a;
	return r;
}

/* ---- the writer thread ------------------------------------------------- */

/* Called with mu held: enter the failed state once. */
static void fail_locked(struct cu_audit *a, const char *what, int err)
{
	if (a->failed)
		return;
	a->failed = CU_ERR_UNAVAILABLE;
	cu_error("audit: FAILED to %s (%s). The audit log is now closed to appends: every "
		 "audited request is refused with 503 until the storage is fixed and the "
		 "service restarted. Records acknowledged so far are safe.",
		 what, strerror(err));
}

static int fault(struct cu_audit *a, char op)
{
	int e = 0;
	pthread_mutex_lock(&a->mu);
	if (a->fault_op == op) {
		e = a->fault_err;
		a->fault_op = 0;
	}
	pthread_mutex_unlock(&a->mu);
	return e;
}

/* Write one chunk of whole records to the current segment. */
static int seg_write(struct cu_audit *a, const char *p, size_t n, int *err)
{
	int e = fault(a, 'w'), r;

	if (flock(a->seg_fd, LOCK_EX) != 0) {
		*err = errno;
		return CU_ERR_IO;
	}
	if (e) {
		/* Leave a torn record behind, as a real ENOSPC would. */
		r = cu_audit_write_all(a->seg_fd, p, n / 2);
		*err = e;
		r = CU_ERR_IO;
	} else {
		r = cu_audit_write_all(a->seg_fd, p, n);
		*err = errno;
	}
	flock(a->seg_fd, LOCK_UN);
	return r;
}

static int write_batch(struct cu_audit *a, const struct cu_buf *batch, uint64_t seq, int *err)
{
	size_t pos = 0;
	int e;

	while (pos < batch->len) {
		uint64_t room, k = 0;
		size_t end = pos;

		if (a->seg_count >= a->o.segment_records) {
			if (fdatasync(a->seg_fd) != 0) {
				*err = errno;
				return CU_ERR_IO;
			}
			if (seg_create(a, seq)) {
				*err = errno;
				return CU_ERR_IO;
			}
		}
		room = a->o.segment_records - a->seg_count;
		while (k < room && end < batch->len) {
			const char *nl = memchr(batch->data + end, '\n', batch->len - end);
			end = (size_t)(nl - batch->data) + 1;
			k++;
		}
		if (seg_write(a, batch->data + pos, end - pos, err))
			return CU_ERR_IO;
		a->seg_count += k;
		seq += k;
		pos = end;
	}
	if ((e = fault(a, 's'))) {
		*err = e;
		return CU_ERR_IO;
	}
	if (fdatasync(a->seg_fd) != 0) {
		*err = errno;
		return CU_ERR_IO;
	}
	return CU_OK;
}

static int write_checkpoint(struct cu_audit *a, uint64_t seq, const uint8_t hash[CU_HASH_BYTES],
			    int *err)
{
	struct cu_audit_checkpoint cp;
	uint8_t msg[CU_AUDIT_SIGMSG_MAX];
	struct cu_buf b;
	size_t n;
	int r, e;

	cp.seq = seq;
	cp.ts_ms = now_ms();
	memcpy(cp.hash, hash, CU_HASH_BYTES);
	n = cu_audit_sigmsg(false, seq, hash, cp.ts_ms, msg);
	cu_keyring_audit_sign(a->kr, cp.sig, msg, n);
	cu_buf_init(&b, 1024);
	if ((r = cu_audit_checkpoint_encode(&cp, &b)))
		goto out;
	if ((e = fault(a, 'c'))) {
		*err = e;
		r = CU_ERR_IO;
		goto out;
	}
	if (flock(a->cp_fd, LOCK_EX) != 0) {
		*err = errno;
		r = CU_ERR_IO;
		goto out;
	}
	r = cu_audit_write_all(a->cp_fd, b.data, b.len);
	*err = errno;
	flock(a->cp_fd, LOCK_UN);
	if (!r && fdatasync(a->cp_fd) != 0) {
		*err = errno;
		r = CU_ERR_IO;
	}
out:
	cu_buf_release(&b);
	return r;
}

static void notify_failure(struct cu_audit *a)
{
	if (a->o.on_failure)
		a->o.on_failure(a->o.on_failure_ctx, CU_ERR_UNAVAILABLE);
}

static bool cp_due(struct cu_audit *a, int64_t mono)
{
	if (a->failed)
		return false;
	if (a->cp_done_gen < a->cp_req_gen)
		return true;
	if (a->durable_seq <= a->cp_seq)
		return false;
	return a->durable_seq - a->cp_seq >= a->o.checkpoint_every ||
	       mono - a->cp_mono_ms >= (int64_t)a->o.checkpoint_secs * 1000 ||
	       (a->stopping && a->pend.len == 0);
}

static void *writer_main(void *arg)
{
	struct cu_audit *a = arg;
	struct cu_buf batch;

	cu_buf_init(&batch, PEND_HARD_MAX);
	pthread_mutex_lock(&a->mu);
	for (;;) {
		if (a->failed) {
			/* Refuse what is pending; waiters see failed. */
			cu_buf_reset(&a->pend);
			a->pend_count = 0;
			a->cp_done_gen = a->cp_req_gen;
			pthread_cond_broadcast(&a->done);
			if (a->stopping)
				break;
			pthread_cond_wait(&a->work, &a->mu);
			continue;
		}
		if (a->pend.len) {
			struct cu_buf t = batch;
			uint64_t first = a->next_seq - a->pend_count, last = a->next_seq - 1;
			uint8_t tip[CU_HASH_BYTES];
			int err = 0, r;

			batch = a->pend;
			a->pend = t;
			a->pend_count = 0;
			memcpy(tip, a->tip, CU_HASH_BYTES);
			pthread_cond_broadcast(&a->done); /* room for back-pressured appenders */
			pthread_mutex_unlock(&a->mu);
			r = write_batch(a, &batch, first, &err);
			cu_buf_reset(&batch);
			if (r)
				notify_failure(a);
			pthread_mutex_lock(&a->mu);
			if (r) {
				fail_locked(a, "write the audit log", err);
			} else {
				a->durable_seq = last;
				memcpy(a->durable_hash, tip, CU_HASH_BYTES);
				a->batches++;
			}
			pthread_cond_broadcast(&a->done);
		}
		if (cp_due(a, cu_time_mono_ms())) {
			uint64_t gen = a->cp_req_gen, seq = a->durable_seq;
			uint8_t h[CU_HASH_BYTES];
			int err = 0, r = CU_OK;

			memcpy(h, a->durable_hash, CU_HASH_BYTES);
			if (seq > a->cp_seq) {
				pthread_mutex_unlock(&a->mu);
				r = write_checkpoint(a, seq, h, &err);
				if (r)
					notify_failure(a);
				pthread_mutex_lock(&a->mu);
			}
			if (r) {
				fail_locked(a, "write a signed audit checkpoint", err);
			} else {
				if (seq > a->cp_seq)
					a->cp_seq = seq;
				a->cp_mono_ms = cu_time_mono_ms();
				a->cp_done_gen = gen;
			}
			pthread_cond_broadcast(&a->done);
			continue;
		}
		if (a->pend.len || a->failed)
			continue;
		if (a->stopping)
			break;
		if (a->durable_seq > a->cp_seq) {
			/* Sleep until the unsigned tail is due a checkpoint. */
			int64_t due = a->cp_mono_ms + (int64_t)a->o.checkpoint_secs * 1000;
			int64_t wait = due - cu_time_mono_ms();
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			if (wait < 1)
				wait = 1;
			ts.tv_sec += (time_t)(wait / 1000);
			ts.tv_nsec += (long)(wait % 1000) * 1000000L;
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&a->work, &a->mu, &ts);
		} else {
			pthread_cond_wait(&a->work, &a->mu);
		}
	}
	pthread_mutex_unlock(&a->mu);
	cu_buf_release(&batch);
	return NULL;
}

/* ---- appending ----------------------------------------------------------- */

int cu_audit_append(struct cu_audit *a, const struct cu_audit_event *ev, uint64_t *seq_out)
{
	uint64_t seq;
	int64_t ts;
	int r;

	if (seq_out)
		*seq_out = 0;
	if (!a || !ev || (unsigned)ev->type >= CU_AUDIT_TYPE__COUNT ||
	    (unsigned)ev->module >= CU_AUDIT_MOD__COUNT ||
	    (unsigned)ev->result >= CU_AUDIT_RESULT__COUNT ||
	    (unsigned)ev->actor.auth >= CU_AUDIT_AUTH__COUNT)
		return CU_ERR_INVALID;
	if (a->noop) {
		seq = __atomic_add_fetch(&a->noop_seq, 1, __ATOMIC_RELAXED);
		if (seq_out)
			*seq_out = seq;
		return CU_OK;
	}
	pthread_mutex_lock(&a->mu);
	while (!a->failed && !a->stopping && a->pend.len >= PEND_SOFT_MAX)
		pthread_cond_wait(&a->done, &a->mu);
	if (a->failed || a->stopping) {
		r = CU_ERR_UNAVAILABLE;
		goto out;
	}
	ts = ev->ts_ms > 0 ? ev->ts_ms : now_ms();
	if (ts < a->last_ts_ms)
		ts = a->last_ts_ms; /* the clock stepped back: keep time monotonic */
	seq = a->next_seq;
	if ((r = cu_audit_record_encode(ev, seq, ts, a->tip, &a->pend, a->tip)))
		goto out;
	a->next_seq++;
	a->pend_count++;
	a->last_ts_ms = ts;
	a->appended++;
	pthread_cond_signal(&a->work);
	while (a->durable_seq < seq && !a->failed)
		pthread_cond_wait(&a->done, &a->mu);
	if (a->durable_seq >= seq) {
		r = CU_OK;
		if (seq_out)
			*seq_out = seq;
	} else {
		r = CU_ERR_UNAVAILABLE;
	}
out:
	pthread_mutex_unlock(&a->mu);
	return r;
}

int cu_audit_checkpoint(struct cu_audit *a)
{
	uint64_t gen;
	int r;

	if (a->noop)
		return CU_OK;
	pthread_mutex_lock(&a->mu);
	gen = ++a->cp_req_gen;
	pthread_cond_signal(&a->work);
	while (a->cp_done_gen < gen && !a->failed)
		pthread_cond_wait(&a->done, &a->mu);
	r = a->failed ? a->failed : CU_OK;
	pthread_mutex_unlock(&a->mu);
	return r;
}

void cu_audit_status(struct cu_audit *a, struct cu_audit_status *st)
{
	memset(st, 0, sizeof(*st));
	if (a->noop) {
		st->noop = true;
		st->last_seq = st->appended = __atomic_load_n(&a->noop_seq, __ATOMIC_RELAXED);
		return;
	}
	pthread_mutex_lock(&a->mu);
	st->last_seq = a->durable_seq;
	st->checkpoint_seq = a->cp_seq;
	st->appended = a->appended;
	st->batches = a->batches;
	st->failed = a->failed;
	pthread_mutex_unlock(&a->mu);
}

void cu_audit_fault_inject(struct cu_audit *a, char op, int err)
{
	pthread_mutex_lock(&a->mu);
	a->fault_op = op;
	a->fault_err = err;
	pthread_mutex_unlock(&a->mu);
}

int cu_audit_close(struct cu_audit *a)
{
	int r = CU_OK;

	if (!a)
		return CU_OK;
	if (a->thr_started) {
		pthread_mutex_lock(&a->mu);
		a->stopping = true;
		pthread_cond_broadcast(&a->work);
		pthread_mutex_unlock(&a->mu);
		pthread_join(a->thr, NULL);
		r = a->failed;
	}
	if (a->seg_fd >= 0)
		close(a->seg_fd);
	if (a->cp_fd >= 0)
		close(a->cp_fd);
	if (a->lock_fd >= 0)
		close(a->lock_fd);
	cu_buf_release(&a->pend);
	pthread_cond_destroy(&a->work);
	pthread_cond_destroy(&a->done);
	pthread_mutex_destroy(&a->mu);
	pthread_mutex_destroy(&a->purge_mu);
	cu_free(a->data);
	cu_free(a->adir);
	cu_free(a);
	return r;
}

/* ---- purge ------------------------------------------------------------------ */

struct purge_seg {
	char *path;
	struct cu_audit_line last;
	uint64_t records;
};

int cu_audit_purge(struct cu_audit *a, int64_t now, uint64_t *purged)
{
	struct cu_audit_verify_result vr;
	struct cu_audit_seg *segs = NULL;
	struct purge_seg *ps = NULL;
	struct cu_buf b;
	char *apath = NULL, reason[192];
	size_t nseg = 0, np = 0;
	uint64_t cp_seq, total = 0, seq;
	int64_t cutoff_ms = (now - a->o.retention_days * 86400) * 1000;
	int fd = -1, r;
	struct cu_audit_event ev;

	if (purged)
		*purged = 0;
	if (a->noop)
		return CU_OK;
	cu_buf_init(&b, (size_t)1 << 24);
	pthread_mutex_lock(&a->purge_mu);
	pthread_mutex_lock(&a->mu);
	r = a->failed;
	cp_seq = a->cp_seq;
	pthread_mutex_unlock(&a->mu);
	if (r)
		goto out;
	/* Never erase evidence of tampering: the log must verify first. */
	r = cu_audit_verify_dir(a->adir, cu_keyring_audit_pk(a->kr), NULL, &vr);
	if (r) {
		cu_error("audit: purge refused: the log does not verify (first bad sequence "
			 "number %llu: %s)", (unsigned long long)vr.bad_seq, vr.reason);
		goto out;
	}
	if ((r = cu_audit_seg_list(a->adir, &segs, &nseg)))
		goto out;
	ps = cu_calloc(nseg ? nseg : 1, sizeof(*ps));
	/* Whole segments, oldest first, never the newest one. */
	for (size_t i = 0; i + 1 < nseg; i++) {
		struct cu_audit_line ln;
		if (seg_tail(segs[i].path, &ln) != CU_OK)
			break;
		if (ln.ts_ms >= cutoff_ms || ln.seq > cp_seq || ln.seq < segs[i].first)
			break;
		ps[np].path = segs[i].path;
		ps[np].last = ln;
		ps[np].records = ln.seq - segs[i].first + 1;
		total += ps[np].records;
		np++;
	}
	if (!np)
		goto out;
	/* Record the purge first: if the log cannot say so, nothing goes. */
	memset(&ev, 0, sizeof(ev));
	ev.type = CU_AUDIT_AUDIT_PURGE;
	ev.actor.name = "system";
	ev.reason_code = "retention";
	snprintf(reason, sizeof(reason), "purge records %llu..%llu (%zu segments) older than %lld days",
		 (unsigned long long)segs[0].first, (unsigned long long)ps[np - 1].last.seq, np,
		 (long long)a->o.retention_days);
	ev.reason = reason;
	if ((r = cu_audit_append(a, &ev, &seq)))
		goto out;
	/* One signed anchor per segment, so any prefix of deletions verifies. */
	for (size_t i = 0; i < np; i++) {
		struct cu_audit_checkpoint an;
		uint8_t msg[CU_AUDIT_SIGMSG_MAX];
		size_t n;
		an.seq = ps[i].last.seq;
		an.ts_ms = now_ms();
		memcpy(an.hash, ps[i].last.hash, CU_HASH_BYTES);
		n = cu_audit_sigmsg(true, an.seq, an.hash, an.ts_ms, msg);
		cu_keyring_audit_sign(a->kr, an.sig, msg, n);
		if ((r = cu_audit_checkpoint_encode(&an, &b)))
			goto fail;
	}
	apath = cu_audit_file_path(a->adir, CU_AUDIT_ANCHOR_FILE);
	fd = open(apath, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || flock(fd, LOCK_EX) || cu_audit_write_all(fd, b.data, b.len) ||
	    fdatasync(fd) || cu_audit_sync_dir(a->adir)) {
		cu_error("audit: purge: cannot write the purge anchors: %s", strerror(errno));
		r = CU_ERR_IO;
		goto fail;
	}
	for (size_t i = 0; i < np; i++) {
		if (unlink(ps[i].path) != 0) {
			cu_error("audit: purge: cannot remove a segment: %s", strerror(errno));
			r = CU_ERR_IO;
			goto fail;
		}
	}
	if (cu_audit_sync_dir(a->adir)) {
		r = CU_ERR_IO;
		goto fail;
	}
	cu_info("audit: purged %llu records in %zu segments (logged as sequence %llu)",
		(unsigned long long)total, np, (unsigned long long)seq);
	if (purged)
		*purged = total;
	goto out;
fail:
	/* Say that the announced purge did not (fully) happen. */
	ev.result = CU_AUDIT_ERROR;
	ev.reason_code = "purge_failed";
	{
		int r2 = cu_audit_append(a, &ev, NULL);
		(void)r2;
	}
out:
	if (fd >= 0)
		close(fd);
	cu_free(apath);
	cu_free(ps);
	cu_audit_seg_list_free(segs, nseg);
	cu_buf_release(&b);
	pthread_mutex_unlock(&a->purge_mu);
	return r;
}
