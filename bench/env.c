/*  env: the temp directory, a real pmod (spawned, readied by a ping, stopped
 *  with SIGTERM), timed child processes, and what /proc says about them.
 *
 *  Children are waited on through a pidfd, so a timed run ends when the
 *  child exits, not at the next tick of a polling loop.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <stdatomic.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "pmo/pmo_clock.h"
#include "pmo/pmo_date.h"
#include "pmo/pmo_error.h"

int
env_tempdir (char *root, size_t len)
{
    const char *tmp = getenv ("TMPDIR");
    snprintf (root, len, "%s/pmo-bench-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    return mkdtemp (root) ? PMO_OK : errno;
}

static int
s_rm (const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void) st;
    (void) flag;
    (void) ftw;
    return remove (path);
}

void
env_rmtree (const char *path)
{
    nftw (path, s_rm, 16, FTW_DEPTH | FTW_PHYS);
}

int
env_pmod_init (pmod_t *p, const char *root, const char *name, const char *bin, unsigned map_mb)
{
    memset (p, 0, sizeof *p);
    snprintf (p->dir, sizeof p->dir, "%s/%s", root, name);
    if (mkdir (p->dir, 0700) != 0)
        return errno;
    snprintf (p->data, sizeof p->data, "%s/data", p->dir);
    snprintf (p->endpoint, sizeof p->endpoint, "ipc://%s/req", p->dir);
    snprintf (p->events, sizeof p->events, "ipc://%s/ev", p->dir);
    snprintf (p->log, sizeof p->log, "%s/pmod.log", p->dir);
    p->bin = bin;
    p->map_mb = map_mb;
    return PMO_OK;
}

/*  Starts argv with stdin from /dev/null, stdout and stderr to out_path.
 *  By posix_spawn (CLONE_VM|CLONE_VFORK in glibc): a timed start then
 *  counts the child's exec and start, as from a shell, and not a copy of
 *  the bench's own page tables (a multi-threaded process with its samples
 *  in hand: 2 ms of a 12 ms one-shot on a 2-core VM).  By fork when the
 *  child's peak RSS is wanted: a vfork child's ru_maxrss also counts the
 *  memory it shared with the bench until its exec. */
static pid_t
s_spawn (const char *const *argv, const char *out_path, bool by_fork, const sigset_t *child_mask)
{
    if (by_fork) {
        pid_t pid = fork ();
        if (pid == 0) {
            if (child_mask)
                sigprocmask (SIG_SETMASK, child_mask, NULL);
            int in = open ("/dev/null", O_RDONLY);
            int out = open (out_path ? out_path : "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0600);
            if (in < 0 || out < 0)
                _exit (127);
            dup2 (in, 0);
            dup2 (out, 1);
            dup2 (out, 2);
            execv (argv[0], (char *const *) argv);
            fprintf (stderr, "exec %s: %s\n", argv[0], strerror (errno));
            _exit (127);
        }
        return pid;
    }
    posix_spawn_file_actions_t fa;
    if (posix_spawn_file_actions_init (&fa) != 0)
        return -1;
    posix_spawn_file_actions_addopen (&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen (&fa, 1, out_path ? out_path : "/dev/null", O_WRONLY | O_CREAT | O_APPEND,
                                      0600);
    posix_spawn_file_actions_adddup2 (&fa, 1, 2);
    posix_spawnattr_t attr;
    posix_spawnattr_init (&attr);
    if (child_mask) {
        posix_spawnattr_setsigmask (&attr, child_mask);
        posix_spawnattr_setflags (&attr, POSIX_SPAWN_SETSIGMASK);
    }
    pid_t pid;
    int rc = posix_spawn (&pid, argv[0], &fa, &attr, (char *const *) argv, environ);
    posix_spawnattr_destroy (&attr);
    posix_spawn_file_actions_destroy (&fa);
    if (rc != 0) {
        fprintf (stderr, "exec %s: %s\n", argv[0], strerror (rc));
        return -1;
    }
    return pid;
}

static int
s_exit_status (int st)
{
    if (WIFEXITED (st))
        return WEXITSTATUS (st);
    if (WIFSIGNALED (st))
        return 128 + WTERMSIG (st);
    return -1;
}

/*  The child other than pmod that runs now (a timed pmoctl or pmo-agent,
 *  the idle pmo-agent run), stopped too on SIGINT/SIGTERM; 0 when none.
 *  Cleared before the child is reaped, so its pid is never reused here. */
static _Atomic pid_t s_child;

/*  Spawns the child and notes it in s_child with SIGINT and SIGTERM held
 *  meanwhile, so that a stop signal never falls between the two. */
static pid_t
s_spawn_child (const char *const *argv, const char *out_path, bool by_fork)
{
    sigset_t stops, old;
    sigemptyset (&stops);
    sigaddset (&stops, SIGINT);
    sigaddset (&stops, SIGTERM);
    sigprocmask (SIG_BLOCK, &stops, &old);
    pid_t pid = s_spawn (argv, out_path, by_fork, &old);
    if (pid > 0)
        atomic_store (&s_child, pid);
    sigprocmask (SIG_SETMASK, &old, NULL);
    return pid;
}

/*  Waits for pid to exit within timeout_ms (then kills it).  Returns the
 *  exit status, or -1 on timeout. */
static uint64_t s_proc_field (pid_t pid, const char *file, const char *key);

static void
s_child_done (pid_t pid)
{
    pid_t expected = pid;
    atomic_compare_exchange_strong (&s_child, &expected, 0);
}

static int
s_wait (pid_t pid, int timeout_ms, long *peak_rss_kb)
{
    struct rusage ru;
    memset (&ru, 0, sizeof ru);
    int pfd = (int) syscall (SYS_pidfd_open, pid, 0);
    if (pfd >= 0) {
        struct pollfd item = {pfd, POLLIN, 0};
        int n;
        do
            n = poll (&item, 1, timeout_ms);
        while (n < 0 && errno == EINTR);
        close (pfd);
        int st;
        if (n == 1)
            s_child_done (pid);
        if (n == 1 && wait4 (pid, &st, 0, &ru) == pid) {
            if (peak_rss_kb)
                *peak_rss_kb = ru.ru_maxrss;
            return s_exit_status (st);
        }
    } else {
        int64_t deadline = pmo_clock_mono_ms () + timeout_ms;
        while (pmo_clock_mono_ms () < deadline) {
            int st;
            pid_t r = wait4 (pid, &st, WNOHANG, &ru);
            if (r == pid || r < 0)
                s_child_done (pid);  /* no pidfd (before Linux 5.3): just after */
            if (r == pid) {
                if (peak_rss_kb)
                    *peak_rss_kb = ru.ru_maxrss;
                return s_exit_status (st);
            }
            if (r < 0)
                return -1;
            struct timespec ts = {0, 200 * 1000};
            nanosleep (&ts, NULL);
        }
    }
    kill (pid, SIGKILL);
    s_child_done (pid);
    int st;
    waitpid (pid, &st, 0);
    return -1;
}

int
env_run_timed (const char *const *argv, const char *out_path, int timeout_ms, int64_t *wall_ns)
{
    int64_t t0 = pmo_clock_mono_ns ();
    pid_t pid = s_spawn_child (argv, out_path, false);
    if (pid < 0)
        return -1;
    int st = s_wait (pid, timeout_ms, NULL);
    *wall_ns = pmo_clock_mono_ns () - t0;
    return st;
}

int
env_run_peak_rss (const char *const *argv, const char *out_path, int timeout_ms, long *peak_rss_kb)
{
    pid_t pid = s_spawn_child (argv, out_path, true);
    if (pid < 0)
        return -1;
    return s_wait (pid, timeout_ms, peak_rss_kb);
}

int
env_idle_rss (const char *const *argv, const char *out_path, int idle_ms, long *rss_kb, long *anon_kb)
{
    *rss_kb = *anon_kb = 0;
    pid_t pid = s_spawn_child (argv, out_path, false);
    if (pid < 0)
        return -1;
    struct timespec ts = {idle_ms / 1000, (long) (idle_ms % 1000) * 1000000L};
    nanosleep (&ts, NULL);
    *rss_kb = (long) s_proc_field (pid, "status", "VmRSS:");
    *anon_kb = (long) s_proc_field (pid, "status", "RssAnon:");
    kill (pid, SIGTERM);
    int st = s_wait (pid, 10000, NULL);
    /*  Still running when measured, and stopped by our SIGTERM: as expected. */
    return *rss_kb > 0 ? 0 : (st ? st : -1);
}

/*  Path of an ipc:// endpoint. */
static const char *
s_ipc_path (const char *endpoint)
{
    return strncmp (endpoint, "ipc://", 6) == 0 ? endpoint + 6 : NULL;
}

/*  The pmod being watched: every long wait in the bench asks whether it
 *  still runs, so a crash is reported at once rather than after a timeout. */
static _Atomic pid_t s_watched;
static _Atomic int s_dead_status = -1;

bool
env_pmod_alive (void)
{
    pid_t pid = atomic_load (&s_watched);
    if (!pid)
        return true;
    if (atomic_load (&s_dead_status) >= 0)
        return false;
    int st;
    pid_t r = waitpid (pid, &st, WNOHANG);
    if (r == pid) {
        atomic_store (&s_dead_status, s_exit_status (st));
        return false;
    }
    if (r < 0 && errno == ECHILD) {  /* another thread reaped it */
        int expected = -1;
        atomic_compare_exchange_strong (&s_dead_status, &expected, 255);
        return false;
    }
    return true;
}

/*  On SIGINT or SIGTERM: the pmod being watched, and the other child that
 *  runs (a pmo-agent run would never exit by itself), are stopped too,
 *  rather than left running on the temp directory.  (Only
 *  async-signal-safe calls; the temp directory stays.) */
static void
s_on_stop (int sig)
{
    pid_t pid = atomic_load (&s_watched);
    if (pid > 0)
        kill (pid, SIGTERM);
    pid = atomic_load (&s_child);
    if (pid > 0)
        kill (pid, SIGTERM);
    _exit (128 + sig);
}

void
env_stop_pmod_on_signals (void)
{
    pmo_on_stop_signals (s_on_stop);
}

int
env_pmod_exit_status (void)
{
    return atomic_load (&s_dead_status);
}

int
env_pmod_start (pmod_t *p, int timeout_ms, int64_t *startup_ns)
{
    char map[32];
    snprintf (map, sizeof map, "%u", p->map_mb);
    const char *argv[] = {p->bin, "--data", p->data, "--endpoint", p->endpoint, "--events", p->events,
                          "--now", BENCH_NOW, "--map-size", map, "--log-level", "info", "--insecure", "--rate-limit", "0", NULL};
    /*  A socket file left by an earlier pmod would look like readiness. */
    unlink (s_ipc_path (p->endpoint));
    unlink (s_ipc_path (p->events));
    int64_t t0 = pmo_clock_mono_ns ();
    int64_t deadline = pmo_clock_mono_ms () + timeout_ms;
    /*  Watched from the moment it exists: stop signals are held between. */
    sigset_t stops, old;
    sigemptyset (&stops);
    sigaddset (&stops, SIGINT);
    sigaddset (&stops, SIGTERM);
    sigprocmask (SIG_BLOCK, &stops, &old);
    p->pid = s_spawn (argv, p->log, false, &old);
    int err = errno;
    if (p->pid > 0) {
        atomic_store (&s_dead_status, -1);
        atomic_store (&s_watched, p->pid);
    }
    sigprocmask (SIG_SETMASK, &old, NULL);
    if (p->pid < 0) {
        /*  Never keep -1: env_pmod_stop would kill (-1, ...) every process. */
        p->pid = 0;
        return err ? err : PMO_EINTERNAL;
    }
    /*  Ready = answers a ping.  Connect only once the ipc file exists (a
     *  connect before that retries at zmq's reconnect interval, which
     *  would blur the start-up time); the ping then waits in pmod's queue
     *  until its loop runs. */
    struct stat st;
    int rc = PMO_ETIMEOUT;
    while (pmo_clock_mono_ms () < deadline) {
        if (!env_pmod_alive ()) {
            env_pmod_stop (p);
            return ECHILD;
        }
        if (stat (s_ipc_path (p->endpoint), &st) == 0) {
            rc = PMO_OK;
            break;
        }
        struct timespec ts = {0, 200 * 1000};
        nanosleep (&ts, NULL);
    }
    if (rc == PMO_OK) {
        pmo_client_t *c = NULL;
        rc = pmo_client_open (p->endpoint, &c);
        if (!rc) {
            Pmo__Request req = PMO__REQUEST__INIT;
            Pmo__Ping ping = PMO__PING__INIT;
            req.body_case = PMO__REQUEST__BODY_PING;
            req.ping = &ping;
            Pmo__Reply *reply = NULL;
            int64_t left = deadline - pmo_clock_mono_ms ();
            rc = check_call (c, &req, left > 0 ? (int) left : 1, &reply);
            pmo_wire_free (reply);
        }
        pmo_client_close (&c);
    }
    if (startup_ns)
        *startup_ns = pmo_clock_mono_ns () - t0;
    if (rc)
        env_pmod_stop (p);
    return rc;
}

int
env_pmod_stop (pmod_t *p)
{
    if (p->pid <= 0)
        return -1;
    int st;
    if (!env_pmod_alive ()) {
        st = env_pmod_exit_status ();  /* it died on its own: show why */
        env_pmod_log_tail (p);
    } else {
        kill (p->pid, SIGTERM);
        st = s_wait (p->pid, 60000, NULL);
    }
    atomic_store (&s_watched, 0);
    p->pid = 0;
    return st;
}

void
env_drop_cache (const pmod_t *p)
{
    static const char *const files[] = {"data.mdb", "lock.mdb"};
    for (size_t i = 0; i < PMO_ARRAY_LEN (files); i++) {
        char path[400];
        snprintf (path, sizeof path, "%s/%s", p->data, files[i]);
        int fd = open (path, O_RDONLY);
        if (fd < 0)
            continue;
        /*  Clean pages of an unmapped file go; pmod synced every commit. */
        fdatasync (fd);
        posix_fadvise (fd, 0, 0, POSIX_FADV_DONTNEED);
        close (fd);
    }
}

void
env_pmod_log_tail (const pmod_t *p)
{
    FILE *f = fopen (p->log, "r");
    if (!f)
        return;
    char lines[20][512];
    size_t n = 0;
    char line[512];
    while (fgets (line, sizeof line, f))
        memcpy (lines[n++ % 20], line, sizeof line);
    fclose (f);
    fprintf (stderr, "--- last lines of %s\n", p->log);
    for (size_t i = n > 20 ? n - 20 : 0; i < n; i++)
        fputs (lines[i % 20], stderr);
}

bool
env_pmod_commits (const pmod_t *p, uint64_t *requests, uint64_t *commits, double *commit_s)
{
    FILE *f = fopen (p->log, "r");
    if (!f)
        return false;
    char line[512];
    bool found = false;
    while (fgets (line, sizeof line, f)) {
        const char *s = strstr (line, "stopping: ");
        unsigned long long r, c;
        double ms = 0;
        int n = s ? sscanf (s, "stopping: %llu requests in %llu commits (%lf ms in all committing)", &r, &c, &ms) : 0;
        if (n >= 2) {
            *requests = r;
            *commits = c;
            *commit_s = n == 3 ? ms / 1000.0 : -1;  /* -1: an older pmod's line */
            found = true;
        }
    }
    fclose (f);
    return found;
}

uint64_t
env_file_bytes (const char *path)
{
    struct stat st;
    if (stat (path, &st) != 0)
        return 0;
    return (uint64_t) st.st_blocks * 512;
}

double
env_cpu_seconds (pid_t pid)
{
    char path[64], buf[1024];
    snprintf (path, sizeof path, "/proc/%d/stat", (int) pid);
    FILE *f = fopen (path, "r");
    if (!f)
        return 0;
    size_t n = fread (buf, 1, sizeof buf - 1, f);
    fclose (f);
    buf[n] = '\0';
    /*  Fields after "(comm)": state is field 3, utime 14, stime 15. */
    char *p = strrchr (buf, ')');
    if (!p)
        return 0;
    unsigned long long ut = 0, stime = 0;
    if (sscanf (p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &stime) != 2)
        return 0;
    return (double) (ut + stime) / (double) sysconf (_SC_CLK_TCK);
}

/*  The number after "key" in /proc/PID/file (PID 0: this process), 0 when
 *  absent.  key includes its colon ("wchar:", "VmHWM:"). */
static uint64_t
s_proc_field (pid_t pid, const char *file, const char *key)
{
    char path[64], line[256];
    if (pid)
        snprintf (path, sizeof path, "/proc/%d/%s", (int) pid, file);
    else
        snprintf (path, sizeof path, "/proc/self/%s", file);
    FILE *f = fopen (path, "r");
    uint64_t value = 0;
    size_t len = strlen (key);
    while (f && fgets (line, sizeof line, f))
        if (strncmp (line, key, len) == 0)
            value = strtoull (line + len, NULL, 10);
    if (f)
        fclose (f);
    return value;
}

uint64_t
env_write_calls_bytes (pid_t pid)
{
    return s_proc_field (pid, "io", "wchar:");
}

uint64_t
env_device_written (const char *path)
{
    struct stat st;
    if (stat (path, &st) != 0)
        return 0;
    char sys[96], line[512];
    snprintf (sys, sizeof sys, "/sys/dev/block/%u:%u/stat", major (st.st_dev), minor (st.st_dev));
    FILE *f = fopen (sys, "r");
    if (!f)
        return 0;
    unsigned long long v[7] = {0};
    bool ok = fgets (line, sizeof line, f)
              && sscanf (line, "%llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
                         &v[6]) == 7;
    fclose (f);
    return ok ? v[6] * 512 : 0;  /* sectors written, always 512 bytes here */
}

long
env_peak_rss_kb (pid_t pid)
{
    return (long) s_proc_field (pid, "status", "VmHWM:");
}

long
env_rss_anon_kb (pid_t pid)
{
    return (long) s_proc_field (pid, "status", "RssAnon:");
}

void
env_machine (machine_t *m)
{
    memset (m, 0, sizeof *m);
    snprintf (m->cpu, sizeof m->cpu, "unknown CPU");
    char line[512];
    FILE *f = fopen ("/proc/cpuinfo", "r");
    while (f && fgets (line, sizeof line, f)) {
        if (strncmp (line, "model name", 10) != 0)
            continue;
        const char *v = strchr (line, ':');
        if (v) {
            v += strspn (v + 1, " \t") + 1;
            pmo_strlcpy (m->cpu, v, sizeof m->cpu);
            m->cpu[strcspn (m->cpu, "\n")] = '\0';
        }
        break;
    }
    if (f)
        fclose (f);
    m->cores = sysconf (_SC_NPROCESSORS_ONLN);
    f = fopen ("/proc/meminfo", "r");
    while (f && fgets (line, sizeof line, f))
        if (strncmp (line, "MemTotal:", 9) == 0)
            m->mem_mb = strtol (line + 9, NULL, 10) / 1024;
    if (f)
        fclose (f);
    struct timespec ts;
    clock_gettime (CLOCK_REALTIME, &ts);
    pmo_datetime_format ((int64_t) ts.tv_sec * 1000, m->date);
    struct utsname u;
    if (uname (&u) == 0)
        snprintf (m->kernel, sizeof m->kernel, "%s %s", u.sysname, u.release);
}
