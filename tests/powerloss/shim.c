// An LD_PRELOAD shim that records what a power loss would keep of one folder.
//
// A SIGKILL keeps the OS page cache; a power loss keeps only what was made durable. This shim
// watches the files under $CAUSEWAY_POWERLOSS_ROOT and appends, one write(2) per event on an
// O_APPEND descriptor (so the log itself survives SIGKILL), the events that decide durability:
//   E ino size path   a file that existed when the process started (taken as durable)
//   C ino path        a file created (its name is durable only after its directory is fsynced)
//   T ino             an existing file opened with O_TRUNC
//   W ino offset len saved pid at
//                     a write of `len` bytes at `offset`, logged before it is made. Where it
//                     overwrites existing bytes, their older content (`saved` bytes from `offset`)
//                     was first copied to $CAUSEWAY_POWERLOSS_INODES/saved-<pid> at `at`: a power
//                     loss before the next sync leaves the older bytes there, not the new ones
//   S ino size mark   fsync/fdatasync (or a write on an O_SYNC/O_DSYNC descriptor): the first
//                     `size` bytes, and every write logged before byte `mark` of this log, are
//                     durable (size and mark taken before the sync starts, with no write of this
//                     process in flight)
//   F ino size        ftruncate to `size`
//   R old new size    rename (size: the file's length then, to check it was synced first)
//   U path            unlink
//   D dir             fsync of a directory: the names in it, as they are now, are durable
// Fields are tab-separated. Every inode seen is hard-linked into $CAUSEWAY_POWERLOSS_INODES/<ino>
// so its bytes stay readable after a rename or an unlink; Support/PowerLoss.cs replays the log
// and rewinds the folder. sync_file_range is not a durability point (it flushes neither metadata
// nor the disk cache), so it is not recorded.
//
// $CAUSEWAY_POWERLOSS_SYNC_DELAY_US makes each file sync that much slower (a slow disk), so a kill
// at a random moment nearly always finds written bytes that are not yet synced.
//
// $CAUSEWAY_POWERLOSS_LYING_DISK=1 makes the disk lie: fsync and fdatasync return 0 without
// syncing or recording, and O_SYNC/O_DSYNC are dropped. Only the test harness sets it, to prove
// that the checker sees a missing sync.
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#define MAX_FDS 65536

static char root[PATH_MAX];
static size_t root_len;
static char inodes[PATH_MAX - 32]; // room for "/<ino>"
static int log_fd = -1;
static int lying;
static useconds_t sync_delay;
static int enabled;

// A write holds the gate shared from the saving of the bytes it overwrites to its end; a sync
// holds it alone for an instant, to take the file's size and the log's length while no write of
// this process is half done, so every write logged before that length is in the sync.
static pthread_rwlock_t write_gate;
static int saved_fd = -1;
static off_t saved_end; // the next free byte of saved_fd

static char *fd_path[MAX_FDS];
static unsigned char fd_sync[MAX_FDS];
static pthread_mutex_t fd_lock = PTHREAD_MUTEX_INITIALIZER;

#define REAL(name, ret, ...)                                                  \
    static ret (*real_##name)(__VA_ARGS__);                                   \
    static void bind_##name(void) {                                           \
        if (!real_##name) real_##name = dlsym(RTLD_NEXT, #name);              \
    }

REAL(open, int, const char *, int, ...)
REAL(open64, int, const char *, int, ...)
REAL(openat, int, int, const char *, int, ...)
REAL(openat64, int, int, const char *, int, ...)
REAL(__open_2, int, const char *, int)
REAL(__open64_2, int, const char *, int)
REAL(__openat_2, int, int, const char *, int)
REAL(__openat64_2, int, int, const char *, int)
REAL(creat, int, const char *, mode_t)
REAL(creat64, int, const char *, mode_t)
REAL(write, ssize_t, int, const void *, size_t)
REAL(pwrite, ssize_t, int, const void *, size_t, off_t)
REAL(pwrite64, ssize_t, int, const void *, size_t, off_t)
REAL(writev, ssize_t, int, const struct iovec *, int)
REAL(pwritev, ssize_t, int, const struct iovec *, int, off_t)
REAL(pwritev64, ssize_t, int, const struct iovec *, int, off_t)
REAL(pwritev2, ssize_t, int, const struct iovec *, int, off_t, int)
REAL(ftruncate, int, int, off_t)
REAL(ftruncate64, int, int, off_t)
REAL(fsync, int, int)
REAL(fdatasync, int, int)
REAL(rename, int, const char *, const char *)
REAL(renameat, int, int, const char *, int, const char *)
REAL(renameat2, int, int, const char *, int, const char *, unsigned int)
REAL(unlink, int, const char *)
REAL(unlinkat, int, int, const char *, int)
REAL(close, int, int)
REAL(dup, int, int)
REAL(dup2, int, int, int)
REAL(dup3, int, int, int, int)

static void emit(const char *fmt, ...) {
    char line[3 * PATH_MAX];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line - 1, fmt, ap);
    va_end(ap);
    if (n < 0 || n >= (int)sizeof line - 1) abort(); // a cut event would corrupt the model
    line[n++] = '\n';
    bind_write();
    int saved = errno;
    if (real_write(log_fd, line, (size_t)n) != n) abort();
    errno = saved;
}

// The absolute form of (dirfd, path), without resolving symbolic links; 0 if unknown.
static int resolve(int dirfd, const char *path, char *out) {
    if (!path) return 0;
    char base[PATH_MAX];
    if (path[0] == '/') return snprintf(out, PATH_MAX, "%s", path) < PATH_MAX;
    if (dirfd == AT_FDCWD) {
        if (!getcwd(base, sizeof base)) return 0;
    } else {
        char link[64];
        snprintf(link, sizeof link, "/proc/self/fd/%d", dirfd);
        ssize_t n = readlink(link, base, sizeof base - 1);
        if (n <= 0) return 0;
        base[n] = 0;
    }
    return snprintf(out, PATH_MAX, "%s/%s", base, path) < PATH_MAX;
}

static int watched(const char *abs) {
    return enabled && strncmp(abs, root, root_len) == 0 && (abs[root_len] == '/' || abs[root_len] == 0);
}

// Keeps the inode's bytes reachable whatever happens to its names.
static void keep(const char *abs, ino_t ino) {
    char target[PATH_MAX];
    snprintf(target, sizeof target, "%s/%lu", inodes, (unsigned long)ino);
    link(abs, target); // EEXIST: already kept
}

static void scan(const char *dir) {
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        char p[PATH_MAX];
        if (snprintf(p, sizeof p, "%s/%s", dir, e->d_name) >= (int)sizeof p) continue;
        struct stat st;
        if (lstat(p, &st) != 0) continue;
        if (S_ISDIR(st.st_mode)) scan(p);
        else if (S_ISREG(st.st_mode)) {
            keep(p, st.st_ino);
            emit("E\t%lu\t%lld\t%s", (unsigned long)st.st_ino, (long long)st.st_size, p);
        }
    }
    closedir(d);
}

__attribute__((constructor)) static void start(void) {
    const char *r = getenv("CAUSEWAY_POWERLOSS_ROOT");
    const char *l = getenv("CAUSEWAY_POWERLOSS_LOG");
    const char *i = getenv("CAUSEWAY_POWERLOSS_INODES");
    if (!r || !l || !i || !*r || !*l || !*i) return;
    snprintf(root, sizeof root, "%s", r);
    root_len = strlen(root);
    while (root_len > 1 && root[root_len - 1] == '/') root[--root_len] = 0;
    snprintf(inodes, sizeof inodes, "%s", i);
    const char *lie = getenv("CAUSEWAY_POWERLOSS_LYING_DISK");
    lying = lie && !strcmp(lie, "1");
    const char *delay = getenv("CAUSEWAY_POWERLOSS_SYNC_DELAY_US");
    sync_delay = delay ? (useconds_t)strtoul(delay, NULL, 10) : 0;
    bind_open();
    log_fd = real_open(l, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (log_fd < 0) { perror("powerloss shim: cannot open the log"); abort(); }
    mkdir(inodes, 0755);
    char saved[PATH_MAX];
    snprintf(saved, sizeof saved, "%s/saved-%d", inodes, (int)getpid());
    saved_fd = real_open(saved, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (saved_fd < 0) { perror("powerloss shim: cannot open the saved bytes"); abort(); }
    // Writer-preferring: a stream of writes must not hold a sync off.
    pthread_rwlockattr_t attr;
    pthread_rwlockattr_init(&attr);
    pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    pthread_rwlock_init(&write_gate, &attr);
    enabled = 1;
    // Several processes may load the shim (a child inherits LD_PRELOAD): only a process that
    // finds the log empty records the starting state, so it is recorded once.
    struct stat st;
    if (fstat(log_fd, &st) == 0 && st.st_size == 0) scan(root);
}

static void track(int fd, const char *abs, int sync) {
    if (fd < 0 || fd >= MAX_FDS) return;
    char *copy = strdup(abs);
    pthread_mutex_lock(&fd_lock);
    free(fd_path[fd]);
    fd_path[fd] = copy;
    fd_sync[fd] = (unsigned char)sync;
    pthread_mutex_unlock(&fd_lock);
}

static int tracked(int fd, char *out, int *sync) {
    if (!enabled || fd < 0 || fd >= MAX_FDS) return 0;
    pthread_mutex_lock(&fd_lock);
    int found = fd_path[fd] != NULL;
    if (found) {
        if (out) snprintf(out, PATH_MAX, "%s", fd_path[fd]);
        if (sync) *sync = fd_sync[fd];
    }
    pthread_mutex_unlock(&fd_lock);
    return found;
}

static int flags_for(const char *abs, int flags) {
    if (lying && watched(abs)) flags &= ~(O_SYNC | O_DSYNC);
    return flags;
}

// Called around every open: `existed` is whether the path named a file before the call.
static void opened(int fd, const char *abs, int flags, int existed) {
    if (fd < 0) return;
    struct stat st;
    if (fstat(fd, &st) != 0) return;
    int sync = (flags & (O_SYNC | O_DSYNC)) != 0;
    if (S_ISREG(st.st_mode)) {
        keep(abs, st.st_ino);
        if (!existed) emit("C\t%lu\t%s", (unsigned long)st.st_ino, abs);
        else if (flags & O_TRUNC) emit("T\t%lu", (unsigned long)st.st_ino);
    }
    track(fd, abs, sync);
}

static int exists(const char *abs) {
    struct stat st;
    return lstat(abs, &st) == 0;
}

#define OPEN_BODY(call)                                                       \
    char abs[PATH_MAX];                                                       \
    if (!enabled || !resolve(dirfd, path, abs) || !watched(abs)) return call; \
    int existed = exists(abs);                                                \
    flags = flags_for(abs, flags);                                            \
    int fd = call;                                                            \
    int saved = errno;                                                        \
    opened(fd, abs, flags, existed);                                          \
    errno = saved;                                                            \
    return fd;

static mode_t mode_of(int flags, va_list ap) {
    return (flags & (O_CREAT | O_TMPFILE)) ? (mode_t)va_arg(ap, int) : 0;
}

int open(const char *path, int flags, ...) {
    va_list ap; va_start(ap, flags); mode_t mode = mode_of(flags, ap); va_end(ap);
    bind_open(); int dirfd = AT_FDCWD;
    OPEN_BODY(real_open(path, flags, mode))
}
int open64(const char *path, int flags, ...) {
    va_list ap; va_start(ap, flags); mode_t mode = mode_of(flags, ap); va_end(ap);
    bind_open64(); int dirfd = AT_FDCWD;
    OPEN_BODY(real_open64(path, flags, mode))
}
int openat(int dirfd, const char *path, int flags, ...) {
    va_list ap; va_start(ap, flags); mode_t mode = mode_of(flags, ap); va_end(ap);
    bind_openat();
    OPEN_BODY(real_openat(dirfd, path, flags, mode))
}
int openat64(int dirfd, const char *path, int flags, ...) {
    va_list ap; va_start(ap, flags); mode_t mode = mode_of(flags, ap); va_end(ap);
    bind_openat64();
    OPEN_BODY(real_openat64(dirfd, path, flags, mode))
}
int __open_2(const char *path, int flags) {
    bind___open_2(); int dirfd = AT_FDCWD;
    OPEN_BODY(real___open_2(path, flags))
}
int __open64_2(const char *path, int flags) {
    bind___open64_2(); int dirfd = AT_FDCWD;
    OPEN_BODY(real___open64_2(path, flags))
}
int __openat_2(int dirfd, const char *path, int flags) {
    bind___openat_2();
    OPEN_BODY(real___openat_2(dirfd, path, flags))
}
int __openat64_2(int dirfd, const char *path, int flags) {
    bind___openat64_2();
    OPEN_BODY(real___openat64_2(dirfd, path, flags))
}
int creat(const char *path, mode_t mode) {
    bind_creat(); int dirfd = AT_FDCWD; int flags = O_CREAT | O_WRONLY | O_TRUNC;
    OPEN_BODY(real_creat(path, mode))
}
int creat64(const char *path, mode_t mode) {
    bind_creat64(); int dirfd = AT_FDCWD; int flags = O_CREAT | O_WRONLY | O_TRUNC;
    OPEN_BODY(real_creat64(path, mode))
}

// Records the durable size of a file, or the names of a directory.
static void durable(const char *abs, off_t size, int is_dir, ino_t ino, off_t mark) {
    if (is_dir) emit("D\t%s", abs);
    else emit("S\t%lu\t%lld\t%lld", (unsigned long)ino, (long long)size, (long long)mark);
}

// The log's length: the writes logged before it are the ones a sync starting now covers.
static off_t log_length(void) {
    struct stat st;
    return fstat(log_fd, &st) == 0 ? st.st_size : 0;
}

static int do_sync(int fd, int (*real)(int)) {
    char abs[PATH_MAX];
    struct stat st;
    if (!tracked(fd, abs, NULL) || fstat(fd, &st) != 0) return real(fd);
    off_t mark = 0;
    if (!S_ISDIR(st.st_mode)) {
        // Taken before the sync, with no write in flight: a write that starts during the sync
        // may not be in it.
        pthread_rwlock_wrlock(&write_gate);
        int ok = fstat(fd, &st) == 0;
        mark = log_length();
        pthread_rwlock_unlock(&write_gate);
        if (!ok) return real(fd);
        if (sync_delay) usleep(sync_delay);
    }
    if (lying) return 0;
    int rc = real(fd);
    if (rc == 0) {
        int saved = errno;
        durable(abs, st.st_size, S_ISDIR(st.st_mode), st.st_ino, mark);
        errno = saved;
    }
    return rc;
}

int fsync(int fd) { bind_fsync(); return do_sync(fd, real_fsync); }
int fdatasync(int fd) { bind_fdatasync(); return do_sync(fd, real_fdatasync); }

// Copies `len` bytes of the file at `offset` to the saved bytes at `at`; the number copied.
static off_t save_older(int fd, ino_t ino, off_t offset, off_t len, off_t at) {
    char kept[PATH_MAX];
    snprintf(kept, sizeof kept, "%s/%lu", inodes, (unsigned long)ino);
    bind_open(); bind_pwrite(); bind_close();
    int source = real_open(kept, O_RDONLY | O_CLOEXEC); // the descriptor may be write-only
    int from = source >= 0 ? source : fd;
    enum { chunk = 1 << 16 };
    char *buffer = malloc(chunk);
    if (!buffer) abort();
    off_t done = 0;
    while (done < len) {
        size_t want = (size_t)(len - done) < chunk ? (size_t)(len - done) : chunk;
        ssize_t n = pread(from, buffer, want, offset + done);
        if (n <= 0) break;
        if (real_pwrite(saved_fd, buffer, (size_t)n, at + done) != n) abort(); // a lost save would hide a loss
        done += n;
    }
    free(buffer);
    if (source >= 0) real_close(source);
    return done;
}

// Before a write of `len` bytes to fd at `at` (-1: the descriptor's offset): if the file is
// watched, takes the gate, saves the older bytes it overwrites and logs the write. Returns
// whether the gate was taken, for end_write.
static int begin_write(int fd, off_t at, size_t len) {
    if (!tracked(fd, NULL, NULL)) return 0;
    int saved_errno = errno;
    pthread_rwlock_rdlock(&write_gate);
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        pthread_rwlock_unlock(&write_gate);
        errno = saved_errno;
        return 0;
    }
    int flags = fcntl(fd, F_GETFL);
    off_t offset = flags >= 0 && (flags & O_APPEND) ? st.st_size : at >= 0 ? at : lseek(fd, 0, SEEK_CUR);
    off_t older = 0, where = 0;
    if (offset >= 0 && offset < st.st_size) {
        older = (off_t)len < st.st_size - offset ? (off_t)len : st.st_size - offset;
        where = __atomic_fetch_add(&saved_end, older, __ATOMIC_RELAXED);
        older = save_older(fd, st.st_ino, offset, older, where);
    }
    emit("W\t%lu\t%lld\t%zu\t%lld\t%d\t%lld", (unsigned long)st.st_ino, (long long)offset, len,
         (long long)older, (int)getpid(), (long long)where);
    errno = saved_errno;
    return 1;
}

// After the write: a write on an O_SYNC/O_DSYNC descriptor (or with RWF_SYNC/RWF_DSYNC) is
// durable when it returns.
static void end_write(int fd, ssize_t n, int gated, int sync_flags) {
    if (!gated) return;
    int saved = errno;
    int sync = 0;
    char abs[PATH_MAX];
    struct stat st;
    if (n > 0 && !lying && tracked(fd, abs, &sync) && (sync || sync_flags) && fstat(fd, &st) == 0)
        durable(abs, st.st_size, 0, st.st_ino, log_length());
    pthread_rwlock_unlock(&write_gate);
    errno = saved;
}

static size_t total(const struct iovec *iov, int iovcnt) {
    size_t sum = 0;
    for (int i = 0; i < iovcnt; i++) sum += iov[i].iov_len;
    return sum;
}

ssize_t write(int fd, const void *buf, size_t count) {
    bind_write();
    int gated = begin_write(fd, -1, count);
    ssize_t n = real_write(fd, buf, count);
    end_write(fd, n, gated, 0);
    return n;
}
ssize_t pwrite(int fd, const void *buf, size_t count, off_t offset) {
    bind_pwrite();
    int gated = begin_write(fd, offset, count);
    ssize_t n = real_pwrite(fd, buf, count, offset);
    end_write(fd, n, gated, 0);
    return n;
}
ssize_t pwrite64(int fd, const void *buf, size_t count, off_t offset) {
    bind_pwrite64();
    int gated = begin_write(fd, offset, count);
    ssize_t n = real_pwrite64(fd, buf, count, offset);
    end_write(fd, n, gated, 0);
    return n;
}
ssize_t writev(int fd, const struct iovec *iov, int iovcnt) {
    bind_writev();
    int gated = begin_write(fd, -1, total(iov, iovcnt));
    ssize_t n = real_writev(fd, iov, iovcnt);
    end_write(fd, n, gated, 0);
    return n;
}
ssize_t pwritev(int fd, const struct iovec *iov, int iovcnt, off_t offset) {
    bind_pwritev();
    int gated = begin_write(fd, offset, total(iov, iovcnt));
    ssize_t n = real_pwritev(fd, iov, iovcnt, offset);
    end_write(fd, n, gated, 0);
    return n;
}
ssize_t pwritev64(int fd, const struct iovec *iov, int iovcnt, off_t offset) {
    bind_pwritev64();
    int gated = begin_write(fd, offset, total(iov, iovcnt));
    ssize_t n = real_pwritev64(fd, iov, iovcnt, offset);
    end_write(fd, n, gated, 0);
    return n;
}
ssize_t pwritev2(int fd, const struct iovec *iov, int iovcnt, off_t offset, int flags) {
    bind_pwritev2();
    if (lying) flags &= ~(RWF_SYNC | RWF_DSYNC);
    int gated = begin_write(fd, offset, total(iov, iovcnt));
    ssize_t n = real_pwritev2(fd, iov, iovcnt, offset, flags);
    end_write(fd, n, gated, flags & (RWF_SYNC | RWF_DSYNC));
    return n;
}

static int do_ftruncate(int fd, off_t length, int (*real)(int, off_t)) {
    int rc = real(fd, length);
    struct stat st;
    if (rc == 0 && tracked(fd, NULL, NULL) && fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        int saved = errno;
        emit("F\t%lu\t%lld", (unsigned long)st.st_ino, (long long)length);
        errno = saved;
    }
    return rc;
}
int ftruncate(int fd, off_t length) { bind_ftruncate(); return do_ftruncate(fd, length, real_ftruncate); }
int ftruncate64(int fd, off_t length) { bind_ftruncate64(); return do_ftruncate(fd, length, real_ftruncate64); }

// Before a rename: keeps the bytes of the source and of a target it replaces.
static void keep_path(const char *abs) {
    struct stat st;
    if (lstat(abs, &st) == 0 && S_ISREG(st.st_mode)) keep(abs, st.st_ino);
}

static int do_rename(int olddir, const char *oldpath, int newdir, const char *newpath, int (*call)(void *), void *ctx) {
    char from[PATH_MAX], to[PATH_MAX];
    if (!enabled || !resolve(olddir, oldpath, from) || !resolve(newdir, newpath, to) || (!watched(from) && !watched(to)))
        return call(ctx);
    keep_path(from);
    keep_path(to);
    struct stat st;
    int known = lstat(from, &st) == 0 && S_ISREG(st.st_mode);
    int rc = call(ctx);
    if (rc == 0 && known) {
        int saved = errno;
        if (watched(from) && watched(to)) emit("R\t%s\t%s\t%lld", from, to, (long long)st.st_size);
        else if (watched(to)) emit("C\t%lu\t%s", (unsigned long)st.st_ino, to);
        else emit("U\t%s", from);
        errno = saved;
    }
    return rc;
}

struct rename_args { int olddir; const char *oldpath; int newdir; const char *newpath; unsigned int flags; int kind; };
static int rename_call(void *p) {
    struct rename_args *a = p;
    if (a->kind == 0) return real_rename(a->oldpath, a->newpath);
    if (a->kind == 1) return real_renameat(a->olddir, a->oldpath, a->newdir, a->newpath);
    return real_renameat2(a->olddir, a->oldpath, a->newdir, a->newpath, a->flags);
}

int rename(const char *oldpath, const char *newpath) {
    bind_rename();
    struct rename_args a = { AT_FDCWD, oldpath, AT_FDCWD, newpath, 0, 0 };
    return do_rename(AT_FDCWD, oldpath, AT_FDCWD, newpath, rename_call, &a);
}
int renameat(int olddir, const char *oldpath, int newdir, const char *newpath) {
    bind_renameat();
    struct rename_args a = { olddir, oldpath, newdir, newpath, 0, 1 };
    return do_rename(olddir, oldpath, newdir, newpath, rename_call, &a);
}
int renameat2(int olddir, const char *oldpath, int newdir, const char *newpath, unsigned int flags) {
    bind_renameat2();
    struct rename_args a = { olddir, oldpath, newdir, newpath, flags, 2 };
    return do_rename(olddir, oldpath, newdir, newpath, rename_call, &a);
}

static int do_unlink(int dirfd, const char *path, int flags, int at) {
    char abs[PATH_MAX];
    int watch = enabled && !(flags & AT_REMOVEDIR) && resolve(dirfd, path, abs) && watched(abs);
    if (watch) keep_path(abs);
    int rc = at ? real_unlinkat(dirfd, path, flags) : real_unlink(path);
    if (rc == 0 && watch) {
        int saved = errno;
        emit("U\t%s", abs);
        errno = saved;
    }
    return rc;
}
int unlink(const char *path) { bind_unlink(); bind_unlinkat(); return do_unlink(AT_FDCWD, path, 0, 0); }
int unlinkat(int dirfd, const char *path, int flags) { bind_unlink(); bind_unlinkat(); return do_unlink(dirfd, path, flags, 1); }

// A duplicate names the same open file: it is watched as the original is (dd writes through one).
static int duplicated(int fd, int copy) {
    char abs[PATH_MAX];
    int sync = 0;
    if (copy >= 0 && copy != fd && tracked(fd, abs, &sync)) track(copy, abs, sync);
    return copy;
}
int dup(int fd) { bind_dup(); return duplicated(fd, real_dup(fd)); }
int dup2(int fd, int to) { bind_dup2(); return duplicated(fd, real_dup2(fd, to)); }
int dup3(int fd, int to, int flags) { bind_dup3(); return duplicated(fd, real_dup3(fd, to, flags)); }

int close(int fd) {
    bind_close();
    if (enabled && fd >= 0 && fd < MAX_FDS) {
        pthread_mutex_lock(&fd_lock);
        free(fd_path[fd]);
        fd_path[fd] = NULL;
        fd_sync[fd] = 0;
        pthread_mutex_unlock(&fd_lock);
    }
    return real_close(fd);
}
