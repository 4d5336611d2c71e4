// A QEMU TCG plugin for bench/net's instructions-by-stage figures: counts the guest
// instructions executed (all cores) in buckets by where the code lives in guest-physical
// memory, e.g. the kernel, the VMM's code, PingClient's, the guest's RAM (its kernel and
// its user space apart, by the top bit of the address). Native components all run at the
// same virtual addresses, so only the physical address tells them apart: it is the
// instruction's host address minus that of guest RAM, which the first block at the kernel's
// entry (run with the MMU off, or identity-mapped) calibrates.
//
// Arguments (QEMU: -plugin stage_count.so,map=F,request=R,out=O): F has one bucket per line,
// "<first pa hex> <end pa hex> <name>", the first match wins; "ram <base pa hex> <entry pa
// hex>" once, before them. A bucket named "guest" (the guest's RAM) is split in two:
// "guest" for code at addresses with the top bit set (its kernel), "guest-user" for the
// rest. Whenever R exists (looked for every 20 ms), the counts are written to O ("<name>
// <instructions>" lines, then "end") and R is removed: the caller takes a snapshot
// between batches, when the system idles at the shell. Blocks of code nowhere in F count
// as "other". Written against QEMU's plugin API version 1 (QEMU 7.2), declared here.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <pthread.h>
#include <unistd.h>

extern "C" {
using qemu_plugin_id_t = uint64_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 = 0 };
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id,
                                           void (*cb)(qemu_plugin_id_t, qemu_plugin_tb*));
size_t qemu_plugin_tb_n_insns(const qemu_plugin_tb* tb);
uint64_t qemu_plugin_tb_vaddr(const qemu_plugin_tb* tb);
qemu_plugin_insn* qemu_plugin_tb_get_insn(const qemu_plugin_tb* tb, size_t idx);
void* qemu_plugin_insn_haddr(const qemu_plugin_insn* insn);
void qemu_plugin_register_vcpu_tb_exec_inline(qemu_plugin_tb* tb, qemu_plugin_op op, void* ptr,
                                              uint64_t imm);
extern const int qemu_plugin_version;
int qemu_plugin_install(qemu_plugin_id_t id, const void* info, int argc, char** argv);
}

const int qemu_plugin_version = 1;

namespace {

struct Bucket {
    uint64_t first = 0;
    uint64_t end = 0;
    char name[48] = {};
    uint64_t count = 0;
};

constexpr int kMaxBuckets = 32;
Bucket g_buckets[kMaxBuckets];
int g_bucket_count = 0;
Bucket* g_other = nullptr;
Bucket* g_guest = nullptr;      // the guest's RAM, its kernel's code
Bucket* g_guest_user = nullptr; // ... its user space's
uint64_t g_ram_pa = 0;          // guest-physical address of RAM's first byte
uint64_t g_entry_pa = 0;        // the kernel's entry, run with VA == PA
uintptr_t g_ram_host = 0;       // host address of RAM's first byte, once calibrated
char g_request[512] = {};
char g_out[512] = {};

Bucket* add(uint64_t first, uint64_t end, const char* name) {
    if (g_bucket_count == kMaxBuckets) return g_other;
    Bucket& b = g_buckets[g_bucket_count++];
    b.first = first;
    b.end = end;
    std::snprintf(b.name, sizeof b.name, "%s", name);
    return &b;
}

Bucket* bucket_for(uintptr_t host) {
    if (g_ram_host == 0 || host < g_ram_host) return g_other;
    const uint64_t pa = g_ram_pa + (host - g_ram_host);
    for (int i = 0; i < g_bucket_count; ++i) {
        if (&g_buckets[i] != g_other && pa >= g_buckets[i].first && pa < g_buckets[i].end)
            return &g_buckets[i];
    }
    return g_other;
}

void on_translate(qemu_plugin_id_t, qemu_plugin_tb* tb) {
    const size_t n = qemu_plugin_tb_n_insns(tb);
    if (n == 0) return;
    const auto host =
        reinterpret_cast<uintptr_t>(qemu_plugin_insn_haddr(qemu_plugin_tb_get_insn(tb, 0)));
    const uint64_t va = qemu_plugin_tb_vaddr(tb);
    if (g_ram_host == 0 && va == g_entry_pa && host != 0)
        g_ram_host = host - (g_entry_pa - g_ram_pa);
    Bucket* b = bucket_for(host);
    // The guest's RAM holds both its kernel and its user space: told apart by the address.
    if (b == g_guest && (va >> 63) == 0) b = g_guest_user;
    qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &b->count, n);
}

// A thread of its own answers the requests (QEMU's single-threaded icount mode calls no
// idle callback). It reads counters the vCPU thread adds to: x86-64 reads them whole, and
// a request comes while the system idles between batches.
void* answer_requests(void*) {
    for (;;) {
        usleep(20000);
        if (access(g_request, F_OK) != 0) continue;
        if (FILE* f = std::fopen(g_out, "w")) {
            for (int i = 0; i < g_bucket_count; ++i)
                std::fprintf(f, "%s %llu\n", g_buckets[i].name,
                             static_cast<unsigned long long>(
                                 __atomic_load_n(&g_buckets[i].count, __ATOMIC_RELAXED)));
            std::fprintf(f, "end\n");
            std::fclose(f);
        }
        unlink(g_request);
    }
    return nullptr;
}

bool load_map(const char* path) {
    FILE* f = std::fopen(path, "r");
    if (f == nullptr) return false;
    char line[256];
    while (std::fgets(line, sizeof line, f) != nullptr) {
        unsigned long long a = 0;
        unsigned long long b = 0;
        char name[48] = {};
        if (std::sscanf(line, "ram %llx %llx", &a, &b) == 2) {
            g_ram_pa = a;
            g_entry_pa = b;
        } else if (std::sscanf(line, "%llx %llx %47s", &a, &b, name) == 3) {
            Bucket* added = add(a, b, name);
            if (std::strcmp(name, "guest") == 0 && g_guest == nullptr) {
                g_guest = added;
                g_guest_user = add(0, 0, "guest-user");
            }
        }
    }
    std::fclose(f);
    return g_entry_pa != 0;
}

} // namespace

int qemu_plugin_install(qemu_plugin_id_t id, const void*, int argc, char** argv) {
    const char* map = nullptr;
    for (int i = 0; i < argc; ++i) {
        if (std::strncmp(argv[i], "map=", 4) == 0) map = argv[i] + 4;
        if (std::strncmp(argv[i], "request=", 8) == 0)
            std::snprintf(g_request, sizeof g_request, "%s", argv[i] + 8);
        if (std::strncmp(argv[i], "out=", 4) == 0)
            std::snprintf(g_out, sizeof g_out, "%s", argv[i] + 4);
    }
    if (map == nullptr || g_request[0] == 0 || g_out[0] == 0 || !load_map(map)) {
        std::fprintf(stderr,
                     "stage_count: needs map=<file with a ram line>,request=<file>,out=<file>\n");
        return -1;
    }
    g_other = add(0, 0, "other");
    qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
    pthread_t thread;
    return pthread_create(&thread, nullptr, answer_requests, nullptr) == 0 ? 0 : -1;
}
