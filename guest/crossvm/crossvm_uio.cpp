// Opening a cross-VM link's uio device and BARs from a guest program (see crossvm_uio.hpp).
#include "crossvm_uio.hpp"

#include "linux_syscall.hpp"

namespace guest {
namespace {

// "/sys/class/uio/" + basename(dev) + "/device/" + file (+ bar), into `out`.
void device_path(char* out, size_t room, const char* dev, const char* file, char bar = 0) {
    const char* base = dev;
    for (const char* p = dev; *p != 0; ++p)
        if (*p == '/') base = p + 1;
    size_t n = 0;
    const char* const parts[] = {"/sys/class/uio/", base, "/device/", file};
    for (const char* part : parts)
        for (const char* p = part; *p != 0 && n + 2 < room; ++p)
            out[n++] = *p;
    if (bar != 0) out[n++] = bar;
    out[n] = 0;
}

volatile void* map_bar(const char* program, const char* dev, char bar, size_t size) {
    char path[128];
    device_path(path, sizeof path, dev, "resource", bar);
    const int fd = open(path, kORdwr | kOSync);
    if (fd < 0) fail(program, path);
    void* p = mmap(size, fd);
    close(fd);
    if (p == nullptr) fail(program, "mmap of a BAR failed");
    return p;
}

} // namespace

Counter counter() {
    Counter c{};
    asm volatile("isb\n mrs %0, cntvct_el0\n mrs %1, cntfrq_el0"
                 : "=r"(c.ticks), "=r"(c.frequency));
    return c;
}

uint32_t reg(const CrossvmLink& link, uint32_t offset) {
    return link.registers[offset / 4];
}

void unmask_interrupt(const CrossvmLink& link) {
    constexpr long kCommandHigh = 5;              // the command register's upper byte
    constexpr uint8_t kInterruptDisable = 1 << 2; // command bit 10
    uint8_t command = 0;
    if (pread(link.config, &command, 1, kCommandHigh) != 1) fail("crossvm", "reading config");
    if ((command & kInterruptDisable) == 0) return;
    command = static_cast<uint8_t>(command & ~kInterruptDisable);
    if (pwrite(link.config, &command, 1, kCommandHigh) != 1) fail("crossvm", "writing config");
}

void set_reg(const CrossvmLink& link, uint32_t offset, uint32_t value) {
    link.registers[offset / 4] = value;
}

void wait_event(const CrossvmLink& link, const char* program) {
    for (;;) {
        unmask_interrupt(link);
        if ((reg(link, crossvm::reg::kStatus) & crossvm::kStatusEvent) != 0) {
            set_reg(link, crossvm::reg::kAck, crossvm::kStatusEvent);
            print(1, program);
            print(1, ": got the event\n");
            return;
        }
        int32_t count = 0;
        if (read(link.uio, &count, sizeof count) != sizeof count)
            fail(program, "reading the uio device failed");
    }
}

CrossvmLink open_link(const char* dev, bool want_dataport, size_t size) {
    CrossvmLink link;
    link.uio = open(dev, kORdwr);
    if (link.uio < 0) fail("crossvm", dev);
    char config[128];
    device_path(config, sizeof config, dev, "config");
    link.config = open(config, kORdwr);
    if (link.config < 0) fail("crossvm", config);
    link.registers = static_cast<volatile uint32_t*>(map_bar("crossvm", dev, '0', 4096));
    if (reg(link, crossvm::reg::kId) != crossvm::kIdValue)
        fail("crossvm", "not a cross-VM link (register 0)");
    link.dataport_size = reg(link, crossvm::reg::kDataportSize);
    if (size != 0 && size < link.dataport_size) link.dataport_size = size;
    if (want_dataport) {
        if (link.dataport_size == 0) fail("crossvm", "the link shows no dataport");
        link.dataport =
            static_cast<volatile uint8_t*>(map_bar("crossvm", dev, '1', link.dataport_size));
    }
    return link;
}

} // namespace guest
