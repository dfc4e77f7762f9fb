/*
 * cmd_scan.c - custos scan: find personal information in files and text.
 *
 * Files are streamed through dlp in bounded memory; directories are
 * walked recursively in name order (symbolic links to directories are
 * not followed, so a link loop cannot trap the walk).  A file that cannot
 * be read is reported on stderr and the scan goes on; the exit status is
 * then 1.  The progress bar goes to stderr and only when it is a terminal.
 */
#include "cli/cli.h"
#include "core/util.h"
#include "dlp/dlp.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

const char cu_usage_scan[] =
	"usage: custos scan [--format jsonl|text|masked] [--types T1,T2]\n"
	"                   [--min-confidence X] [--rules FILE] PATH...|-\n"
	"\n"
	"Find personal information in files, directories (recursively) or\n"
	"standard input ('-').\n"
	"\n"
	"  --format jsonl    one finding a line:\n"
	"                    {\"file\":\"...\",\"type\":\"cn_id\",\"start\":123,\"end\":141,\"confidence\":0.97}\n"
	"                    start/end are byte offsets into the file as given\n"
	"  --format text     one finding a line for people, values masked (default)\n"
	"  --format masked   the input with every finding masked\n"
	"  --types T1,T2     only these detectors: cn_id cn_id15 cn_mobile cn_landline\n"
	"                    bank_card credit_card cn_uscc cn_passport\n"
	"                    cn_hk_macau_permit cn_plate email ipv4 ipv6 iban us_ssn,\n"
	"                    keyword, custom, keyword:<dict>, custom:<name>\n"
	"  --min-confidence X  drop findings below X in [0,1] (default 0.5)\n"
	"  --rules FILE      keyword dictionaries and custom patterns (JSON):\n"
	"                    {\"keywords\":{\"confidential\":[\"机密\",\"内部资料\"]},\n"
	"                     \"custom\":{\"order_no\":\"ORD-[0-9]{8}\"}}\n"
	"\n"
	"Exit status: 0 scan done (with or without findings), 1 a file could not\n"
	"be read or output failed (the scan goes on), 2 usage error.\n"
	"See docs/scan.md.\n";

#define READ_CHUNK (1024u * 1024u)
#define RULES_MAX (16u * 1024u * 1024u)
#define MAX_DEPTH 256

static char outbuf[1u << 20];

struct progress {
	bool on;
	uint64_t total, done;
	int64_t last_ms, start_ms;
};

struct scan {
	const struct cu_dlp *d;
	enum cu_format fmt;
	const char *file;
	struct cu_buf prefix;    /* {"file":"...","type":" */
	struct cu_buf line;
	char *chunk;
	struct progress prog;
	bool failed;
};

struct opts {
	enum cu_format fmt;
	struct cu_dlp_opts dlp;
	const char *rules;
	char **paths;
	int npaths;
};

/* ---- output ---------------------------------------------------------- */

static int json_escape(struct cu_buf *b, const char *s)
{
	int r = CU_OK;
	for (size_t i = 0; s[i] && !r;) {
		unsigned char c = (unsigned char)s[i];
		size_t ul = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
		if (c == '"' || c == '\\') {
			r = cu_buf_printf(b, "\\%c", c);
		} else if (c < 0x20 || c == 0x7F) {
			r = cu_buf_printf(b, "\\u%04x", c);
		} else if (c >= 0x80 && (c < 0xC2 || !cu_utf8_valid(s + i, strnlen(s + i, ul)) ||
					 strnlen(s + i, ul) < ul)) {
			r = cu_buf_puts(b, "\\ufffd");   /* not UTF-8: JSON cannot carry it */
			ul = 1;
		} else {
			r = cu_buf_append(b, s + i, ul);
		}
		i += ul;
	}
	return r;
}

static int put_u64(struct cu_buf *b, uint64_t v)
{
	char t[24];
	size_t i = sizeof(t);
	do {
		t[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return cu_buf_append(b, t + i, sizeof(t) - i);
}

static int put_conf(struct cu_buf *b, double c)
{
	int v = (int)(c * 100 + 0.5);
	char t[5] = { (char)('0' + v / 100), '.', (char)('0' + v / 10 % 10), (char)('0' + v % 10), 0 };
	return cu_buf_append(b, t, 4);
}

static int jsonl_line(struct scan *sc, const struct cu_dlp_finding *f)
{
	struct cu_buf *b = &sc->line;
	int r;
	cu_buf_reset(b);
	if ((r = cu_buf_append(b, sc->prefix.data, sc->prefix.len)) ||
	    (r = cu_buf_puts(b, f->type)) || (r = cu_buf_puts(b, "\",\"start\":")) ||
	    (r = put_u64(b, f->start)) || (r = cu_buf_puts(b, ",\"end\":")) ||
	    (r = put_u64(b, f->end)) || (r = cu_buf_puts(b, ",\"confidence\":")) ||
	    (r = put_conf(b, f->confidence)) || (r = cu_buf_puts(b, "}\n")))
		return r;
	return CU_OK;
}

static int text_line(struct scan *sc, const struct cu_dlp_finding *f)
{
	struct cu_buf *b = &sc->line;
	int r;
	cu_buf_reset(b);
	if ((r = cu_buf_printf(b, "%s:%llu-%llu: %s ", sc->file, (unsigned long long)f->start,
			       (unsigned long long)f->end, f->type)) ||
	    (r = cu_dlp_mask_value(f->type_id, f->bytes, (size_t)(f->end - f->start), b)) ||
	    (r = cu_buf_printf(b, " (confidence %.2f)\n", f->confidence)))
		return r;
	return CU_OK;
}

static int on_found(void *ctx, const struct cu_dlp_finding *f)
{
	struct scan *sc = ctx;
	int r;
	if (sc->fmt == CU_FMT_MASKED)
		return CU_OK;
	r = sc->fmt == CU_FMT_JSONL ? jsonl_line(sc, f) : text_line(sc, f);
	if (r)
		return r;
	if (fwrite(sc->line.data, 1, sc->line.len, stdout) != sc->line.len)
		return CU_ERR_IO;
	return CU_OK;
}

static int on_masked(void *ctx, const char *p, size_t n)
{
	(void)ctx;
	return fwrite(p, 1, n, stdout) == n ? CU_OK : CU_ERR_IO;
}

/* ---- progress -------------------------------------------------------- */

static void progress_draw(struct progress *pg, bool force)
{
	int64_t now = cu_time_mono_ms();
	if (!pg->on || (!force && now - pg->last_ms < 100))
		return;
	pg->last_ms = now;
	double secs = (double)(now - pg->start_ms) / 1000.0;
	double mib = (double)pg->done / (1024.0 * 1024.0);
	int pct = pg->total ? (int)(pg->done * 100 / (pg->total ? pg->total : 1)) : 0;
	int bar = pct > 100 ? 30 : pct * 30 / 100;
	fprintf(stderr, "\r[%.*s%*s] %3d%% %8.1f MiB %7.1f MiB/s", bar,
		"##############################", 30 - bar, "", pct > 100 ? 100 : pct, mib,
		secs > 0 ? mib / secs : 0.0);
}

static void progress_end(struct progress *pg)
{
	if (pg->on)
		fprintf(stderr, "\r%*s\r", 70, "");
}

/* ---- files ----------------------------------------------------------- */

static void warn_file(struct scan *sc, const char *path, const char *what, int e)
{
	progress_end(&sc->prog);
	fprintf(stderr, "custos: scan: %s %s: %s\n", what, path, strerror(e));
	sc->failed = true;
}

static int scan_fd(struct scan *sc, int fd, const char *name)
{
	struct cu_dlp_stream *st;
	int r, wr = 0;

	sc->file = name;
	cu_buf_reset(&sc->prefix);
	if ((r = cu_buf_puts(&sc->prefix, "{\"file\":\"")) || (r = json_escape(&sc->prefix, name)) ||
	    (r = cu_buf_puts(&sc->prefix, "\",\"type\":\"")))
		return r;
	if ((r = cu_dlp_stream_open(sc->d, on_found, sc->fmt == CU_FMT_MASKED ? on_masked : NULL,
				    sc, &st)))
		return r;
	for (;;) {
		ssize_t n = read(fd, sc->chunk, READ_CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			wr = errno;
			break;
		}
		if (n == 0)
			break;
		if ((r = cu_dlp_stream_feed(st, sc->chunk, (size_t)n))) {
			cu_dlp_stream_free(st);
			return r;
		}
		sc->prog.done += (uint64_t)n;
		progress_draw(&sc->prog, false);
	}
	r = cu_dlp_stream_close(st);
	if (wr)
		warn_file(sc, name, "error reading", wr);
	return r;
}

static int scan_path(struct scan *sc, const char *path)
{
	int fd, r;
	if (strcmp(path, "-") == 0)
		return scan_fd(sc, STDIN_FILENO, "-");
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		warn_file(sc, path, "cannot read", errno);
		return CU_OK;
	}
#ifdef POSIX_FADV_SEQUENTIAL
	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
	r = scan_fd(sc, fd, path);
	close(fd);
	return r;
}

struct list {
	char **v;
	uint64_t *size;
	size_t n, cap;
};

static void list_add(struct list *l, char *path, uint64_t size)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = cu_realloc(l->v, l->cap * sizeof(*l->v));
		l->size = cu_realloc(l->size, l->cap * sizeof(*l->size));
	}
	l->v[l->n] = path;
	l->size[l->n++] = size;
}

static void list_release(struct list *l)
{
	for (size_t i = 0; i < l->n; i++)
		cu_free(l->v[i]);
	cu_free(l->v);
	cu_free(l->size);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *join(const char *dir, const char *name)
{
	struct cu_buf b;
	size_t dl = strlen(dir);
	cu_buf_init(&b, SIZE_MAX / 2);
	if (cu_buf_append(&b, dir, dl) ||
	    ((dl == 0 || dir[dl - 1] != '/') && cu_buf_putc(&b, '/')) || cu_buf_puts(&b, name)) {
		cu_buf_release(&b);
		return NULL;
	}
	return cu_buf_detach(&b, NULL);
}

static void collect(struct scan *sc, struct list *out, const char *path, int depth);

static void collect_dir(struct scan *sc, struct list *out, const char *path, int depth)
{
	struct list names = { 0 };
	struct dirent *de;
	DIR *dir = opendir(path);

	if (!dir) {
		warn_file(sc, path, "cannot read directory", errno);
		return;
	}
	while ((de = readdir(dir)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			list_add(&names, cu_strdup(de->d_name), 0);
	closedir(dir);
	qsort(names.v, names.n, sizeof(*names.v), cmp_str);
	for (size_t i = 0; i < names.n; i++) {
		char *child = join(path, names.v[i]);
		struct stat st;
		if (!child)
			continue;
		if (lstat(child, &st) == 0 && S_ISLNK(st.st_mode) &&
		    (stat(child, &st) != 0 || !S_ISREG(st.st_mode))) {
			cu_free(child);     /* links to directories: not followed */
			continue;
		}
		collect(sc, out, child, depth + 1);
		cu_free(child);
	}
	list_release(&names);
}

static void collect(struct scan *sc, struct list *out, const char *path, int depth)
{
	struct stat st;

	if (strcmp(path, "-") == 0) {
		list_add(out, cu_strdup(path), 0);
		return;
	}
	if (stat(path, &st) != 0) {
		warn_file(sc, path, "cannot read", errno);
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		if (depth >= MAX_DEPTH)
			warn_file(sc, path, "too deep, skipped", ELOOP);
		else
			collect_dir(sc, out, path, depth);
		return;
	}
	if (depth > 0 && !S_ISREG(st.st_mode))
		return;   /* FIFOs and devices inside directories are skipped */
	list_add(out, cu_strdup(path), S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0);
}

/* ---- options --------------------------------------------------------- */

static int opt_value(int argc, char **argv, int *i, const char *name, const char **val)
{
	size_t nl = strlen(name);
	const char *a = argv[*i];
	if (strncmp(a, name, nl) != 0)
		return 0;
	if (a[nl] == '=') {
		*val = a + nl + 1;
		return 1;
	}
	if (a[nl] != '\0')
		return 0;
	if (*i + 1 >= argc)
		return -1;
	*val = argv[++*i];
	return 1;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const char *const names[] = { "--format", "--types", "--min-confidence", "--rules" };
	bool dashdash = false;

	o->fmt = CU_FMT_TEXT;
	cu_dlp_opts_init(&o->dlp);
	o->paths = cu_calloc((size_t)argc + 1, sizeof(char *));
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val = NULL;
		int which = -1, got = 0;
		if (dashdash || a[0] != '-' || strcmp(a, "-") == 0) {
			o->paths[o->npaths++] = argv[i];
			continue;
		}
		if (strcmp(a, "--") == 0) {
			dashdash = true;
			continue;
		}
		for (int k = 0; k < 4 && !got; k++)
			if ((got = opt_value(argc, argv, &i, names[k], &val)))
				which = k;
		if (got < 0)
			return cu_cli_usage_error("scan", "%s needs a value", a);
		switch (which) {
		case 0:
			if (cu_cli_parse_format(val, &o->fmt) || o->fmt == CU_FMT_JSON)
				return cu_cli_usage_error("scan", "unknown format '%s' (jsonl, text, masked)", val);
			break;
		case 1:
			o->dlp.types = val;
			break;
		case 2: {
			char *end;
			errno = 0;
			double v = strtod(val, &end);
			if (errno || end == val || *end || !(v >= 0 && v <= 1))
				return cu_cli_usage_error("scan", "--min-confidence needs a number in [0,1]");
			o->dlp.min_confidence = v;
			break;
		}
		case 3:
			o->rules = val;
			break;
		default:
			return cu_cli_usage_error("scan", "unknown option '%s'; try 'custos help scan'", a);
		}
	}
	if (o->npaths == 0)
		return cu_cli_usage_error("scan", "no PATH given (use '-' for standard input)");
	return CU_EXIT_OK;
}

static int build(struct opts *o, struct cu_dlp **d)
{
	char why[256], *rules = NULL;
	size_t rlen = 0;
	int r;

	*d = NULL;
	if (o->rules) {
		if ((r = cu_file_read(o->rules, RULES_MAX, &rules, &rlen)))
			return cu_cli_fail("scan: cannot read rules file %s: %s", o->rules, cu_strerror(r));
		o->dlp.rules = rules;
		o->dlp.rules_len = rlen;
	}
	r = cu_dlp_new(&o->dlp, d, why, sizeof(why));
	cu_free(rules);
	o->dlp.rules = NULL;
	if (r)
		return cu_cli_usage_error("scan", "%s", why[0] ? why : cu_strerror(r));
	return CU_EXIT_OK;
}

static int run(struct scan *sc, struct opts *o)
{
	struct list files = { 0 };
	int r = CU_OK;

	for (int i = 0; i < o->npaths; i++)
		collect(sc, &files, o->paths[i], 0);
	for (size_t i = 0; i < files.n; i++)
		sc->prog.total += files.size[i];
	sc->prog.on = isatty(STDERR_FILENO) && sc->prog.total > 0;
	sc->prog.start_ms = cu_time_mono_ms();
	for (size_t i = 0; i < files.n && !r; i++)
		r = scan_path(sc, files.v[i]);
	progress_draw(&sc->prog, true);
	progress_end(&sc->prog);
	list_release(&files);
	return r;
}

int cu_cmd_scan(int argc, char **argv)
{
	struct opts o = { 0 };
	struct scan sc = { 0 };
	struct cu_dlp *d = NULL;
	int rc, r;

	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			fputs(cu_usage_scan, stdout);
			return CU_EXIT_OK;
		}
	if ((rc = parse_opts(argc, argv, &o)) || (rc = build(&o, &d)))
		goto out;
	/* Findings can be as many as one per hundred input bytes: write
	 * them in large blocks unless a person is watching. */
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	sc.d = d;
	sc.fmt = o.fmt;
	sc.chunk = cu_malloc(READ_CHUNK);
	cu_buf_init(&sc.prefix, 1u << 20);
	cu_buf_init(&sc.line, 1u << 20);
	r = run(&sc, &o);
	if (fflush(stdout) != 0 || ferror(stdout))
		r = r ? r : CU_ERR_IO;
	if (r)
		fprintf(stderr, "custos: scan: %s\n", cu_strerror(r));
	rc = r || sc.failed ? CU_EXIT_FAIL : CU_EXIT_OK;
	cu_buf_release(&sc.prefix);
	cu_buf_release(&sc.line);
	cu_free(sc.chunk);
out:
	cu_dlp_free(d);
	cu_free(o.paths);
	return rc;
}
