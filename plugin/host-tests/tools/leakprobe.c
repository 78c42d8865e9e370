/* leakprobe: an LD_PRELOAD malloc interposer that remembers, for every live allocation, its
 * size and the address that called the allocator (one frame: cheap enough for Mesa's LLVM,
 * which heaptrack's full backtraces slow to ~40 s per editor opening). leakprobe_dump(path)
 * writes the live bytes grouped by caller, and this process's mappings, so two dumps taken
 * N editor openings apart show which library (and, with addr2line, which function) keeps
 * memory per opening. A diagnostic tool, not part of any build:
 *
 *   cc -O2 -shared -fPIC -o /tmp/leakprobe.so plugin/host-tests/tools/leakprobe.c -ldl
 *   LEAKPROBE_DUMPS=10,30 LD_PRELOAD=/tmp/leakprobe.so xvfb-run -a ... \
 *       target/debug/examples/editor_cycles bare 30
 *   python3 plugin/host-tests/tools/leakprobe-diff.py /tmp/leakprobe-10.txt /tmp/leakprobe-30.txt
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define SLOTS (1u << 22)

struct slot { uintptr_t ptr; size_t size; uintptr_t caller; };

static struct slot *table;
static volatile int lock_word;
static __thread int inside;

static void *(*real_malloc)(size_t);
static void (*real_free)(void *);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static int (*real_posix_memalign)(void **, size_t, size_t);
static void *(*real_aligned_alloc)(size_t, size_t);
static void *(*real_memalign)(size_t, size_t);

/* dlsym may allocate before real_calloc is known. */
static char bootstrap[1 << 16];
static size_t bootstrap_used;

static void lock(void) { while (__atomic_exchange_n(&lock_word, 1, __ATOMIC_ACQUIRE)) {} }
static void unlock(void) { __atomic_store_n(&lock_word, 0, __ATOMIC_RELEASE); }

static void init(void) {
    if (real_malloc) return;
    inside = 1;
    real_calloc = dlsym(RTLD_NEXT, "calloc");
    real_malloc = dlsym(RTLD_NEXT, "malloc");
    real_free = dlsym(RTLD_NEXT, "free");
    real_realloc = dlsym(RTLD_NEXT, "realloc");
    real_posix_memalign = dlsym(RTLD_NEXT, "posix_memalign");
    real_aligned_alloc = dlsym(RTLD_NEXT, "aligned_alloc");
    real_memalign = dlsym(RTLD_NEXT, "memalign");
    table = mmap(NULL, SLOTS * sizeof(struct slot), PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    inside = 0;
}

static size_t hash(uintptr_t p) { return (size_t)((p >> 4) * 0x9E3779B97F4A7C15ull) & (SLOTS - 1); }

static void remember(void *p, size_t size, uintptr_t caller) {
    if (!p || !table || inside) return;
    lock();
    size_t i = hash((uintptr_t)p);
    while (table[i].ptr && table[i].ptr != (uintptr_t)p) i = (i + 1) & (SLOTS - 1);
    table[i] = (struct slot){ (uintptr_t)p, size, caller };
    unlock();
}

static void forget(void *p) {
    if (!p || !table) return;
    lock();
    size_t i = hash((uintptr_t)p);
    while (table[i].ptr && table[i].ptr != (uintptr_t)p) i = (i + 1) & (SLOTS - 1);
    if (table[i].ptr) {
        /* Backward-shift deletion keeps linear probing chains intact. */
        size_t j = i;
        for (;;) {
            table[i].ptr = 0;
            for (;;) {
                j = (j + 1) & (SLOTS - 1);
                if (!table[j].ptr) { unlock(); return; }
                size_t k = hash(table[j].ptr);
                if (i <= j ? (i < k && k <= j) : (i < k || k <= j)) continue;
                break;
            }
            table[i] = table[j];
            i = j;
        }
    }
    unlock();
}

static int in_bootstrap(void *p) {
    return (char *)p >= bootstrap && (char *)p < bootstrap + sizeof bootstrap;
}

void *malloc(size_t size) {
    init();
    void *p = real_malloc(size);
    remember(p, size, (uintptr_t)__builtin_return_address(0));
    return p;
}

void *calloc(size_t n, size_t size) {
    if (!real_calloc) {
        size_t total = (n * size + 15) & ~(size_t)15;
        void *p = bootstrap + bootstrap_used;
        bootstrap_used += total;
        return p;
    }
    void *p = real_calloc(n, size);
    remember(p, n * size, (uintptr_t)__builtin_return_address(0));
    return p;
}

void *realloc(void *old, size_t size) {
    init();
    if (in_bootstrap(old)) {
        void *p = real_malloc(size);
        memcpy(p, old, size);
        remember(p, size, (uintptr_t)__builtin_return_address(0));
        return p;
    }
    forget(old);
    void *p = real_realloc(old, size);
    remember(p, size, (uintptr_t)__builtin_return_address(0));
    return p;
}

void free(void *p) {
    if (!p || in_bootstrap(p)) return;
    init();
    forget(p);
    real_free(p);
}

int posix_memalign(void **out, size_t align, size_t size) {
    init();
    int r = real_posix_memalign(out, align, size);
    if (r == 0) remember(*out, size, (uintptr_t)__builtin_return_address(0));
    return r;
}

void *aligned_alloc(size_t align, size_t size) {
    init();
    void *p = real_aligned_alloc(align, size);
    remember(p, size, (uintptr_t)__builtin_return_address(0));
    return p;
}

void *memalign(size_t align, size_t size) {
    init();
    void *p = real_memalign(align, size);
    remember(p, size, (uintptr_t)__builtin_return_address(0));
    return p;
}

/* With LEAKPROBE_NAME_DUP set: names each new caller of strdup/strndup on stderr when it first
 * calls (its library may be unloaded by the time of a dump). */
static void name_caller(uintptr_t caller) {
    static uintptr_t seen[256];
    static int n;
    if (!getenv("LEAKPROBE_NAME_DUP")) return;
    for (int i = 0; i < n; i++) if (seen[i] == caller) return;
    if (n < 256) seen[n++] = caller;
    Dl_info info;
    inside = 1;
    if (dladdr((void *)caller, &info))
        fprintf(stderr, "leakprobe: strdup caller %lx in %s (%s+%lx)\n", (unsigned long)caller,
                info.dli_fname, info.dli_sname ? info.dli_sname : "?",
                (unsigned long)(caller - (uintptr_t)(info.dli_saddr ? info.dli_saddr : info.dli_fbase)));
    inside = 0;
}

/* strdup and strndup allocate inside libc: the caller worth knowing is theirs. */
char *strdup(const char *text) {
    init();
    size_t size = strlen(text) + 1;
    char *p = real_malloc(size);
    if (p) memcpy(p, text, size);
    remember(p, size, (uintptr_t)__builtin_return_address(0));
    name_caller((uintptr_t)__builtin_return_address(0));
    return p;
}

char *strndup(const char *text, size_t limit) {
    init();
    size_t size = strnlen(text, limit);
    char *p = real_malloc(size + 1);
    if (p) { memcpy(p, text, size); p[size] = 0; }
    remember(p, size + 1, (uintptr_t)__builtin_return_address(0));
    name_caller((uintptr_t)__builtin_return_address(0));
    return p;
}

/* Writes "caller bytes count" for every caller with live allocations, then /proc/self/maps. */
int leakprobe_dump(const char *path) {
    init();
    inside = 1;
    FILE *out = fopen(path, "w");
    if (!out) { inside = 0; return -1; }
    /* Aggregate by caller in a second open-addressing table (mmapped: no malloc). */
    const size_t n = 1u << 20;
    struct slot *agg = mmap(NULL, n * sizeof(struct slot), PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    lock();
    for (size_t i = 0; i < SLOTS; i++) {
        if (!table[i].ptr) continue;
        size_t h = (size_t)(table[i].caller * 0x9E3779B97F4A7C15ull) & (n - 1);
        while (agg[h].ptr && agg[h].ptr != table[i].caller) h = (h + 1) & (n - 1);
        agg[h].ptr = table[i].caller;
        agg[h].size += table[i].size;
        agg[h].caller += 1; /* count */
    }
    unlock();
    for (size_t h = 0; h < n; h++)
        if (agg[h].ptr) fprintf(out, "%lx %zu %lu\n", (unsigned long)agg[h].ptr, agg[h].size, (unsigned long)agg[h].caller);
    munmap(agg, n * sizeof(struct slot));
    fprintf(out, "MAPS\n");
    FILE *maps = fopen("/proc/self/maps", "r");
    char line[4096];
    while (maps && fgets(line, sizeof line, maps)) fputs(line, out);
    if (maps) fclose(maps);
    fclose(out);
    inside = 0;
    return 0;
}
