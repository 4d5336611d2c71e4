// The two transports of a user-space virtio driver (see transport.hpp). Register accesses
// are single loads and stores of the register's width written in assembly, so that every
// one traps to the VMM as an access it can decode (no pairs, no writeback).
#include "transport.hpp"

#include "../crossvm/linux_syscall.hpp"
#include "../crossvm/program.hpp"

#include <virtio/device.hpp>
#include <virtio/mmio.hpp>
#include <virtio/pci.hpp>

namespace hostile {

namespace {

constexpr const char* kProgram = "virtio_hostile";

void store32(volatile uint8_t* at, uint32_t v) {
    asm volatile("str %w0, [%1]" : : "r"(v), "r"(at) : "memory");
}
void store16(volatile uint8_t* at, uint16_t v) {
    asm volatile("strh %w0, [%1]" : : "r"(v), "r"(at) : "memory");
}
void store8(volatile uint8_t* at, uint8_t v) {
    asm volatile("strb %w0, [%1]" : : "r"(v), "r"(at) : "memory");
}
uint32_t load32(volatile uint8_t* at) {
    uint32_t v = 0;
    asm volatile("ldr %w0, [%1]" : "=r"(v) : "r"(at) : "memory");
    return v;
}
uint16_t load16(volatile uint8_t* at) {
    uint32_t v = 0;
    asm volatile("ldrh %w0, [%1]" : "=r"(v) : "r"(at) : "memory");
    return static_cast<uint16_t>(v);
}
uint8_t load8(volatile uint8_t* at) {
    uint32_t v = 0;
    asm volatile("ldrb %w0, [%1]" : "=r"(v) : "r"(at) : "memory");
    return static_cast<uint8_t>(v);
}

volatile uint8_t* map(const char* path, std::size_t size, long offset) {
    const int fd = guest::open(path, guest::kORdwr | guest::kOSync);
    if (fd < 0) guest::fail(kProgram, path);
    void* p = guest::mmap(size, fd, offset);
    guest::close(fd);
    if (p == nullptr) guest::fail(kProgram, "mmap of the device's registers failed");
    return static_cast<volatile uint8_t*>(p);
}

uint64_t hex(const char* text) {
    uint64_t n = 0;
    for (const char* p = text;; ++p) {
        const char c = *p;
        const int digit = c >= '0' && c <= '9'   ? c - '0'
                          : c >= 'a' && c <= 'f' ? c - 'a' + 10
                          : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                 : -1;
        if (digit < 0) return n;
        n = n * 16 + static_cast<uint64_t>(digit);
    }
}

// virtio-mmio version 2 (spec 4.2.2): 32-bit registers.
class MmioTransport final : public Transport {
public:
    explicit MmioTransport(volatile uint8_t* regs) : regs_(regs) {}

    uint8_t status() override { return static_cast<uint8_t>(read(virtio::mmio::kStatus)); }
    void set_status(uint8_t status) override { write(virtio::mmio::kStatus, status); }
    uint64_t device_features() override {
        uint64_t features = 0;
        for (uint32_t page = 0; page < 2; ++page) {
            write(virtio::mmio::kDeviceFeaturesSel, page);
            features |= uint64_t{read(virtio::mmio::kDeviceFeatures)} << (32 * page);
        }
        return features;
    }
    void set_driver_features(uint64_t features) override {
        for (uint32_t page = 0; page < 2; ++page) {
            write(virtio::mmio::kDriverFeaturesSel, page);
            write(virtio::mmio::kDriverFeatures, static_cast<uint32_t>(features >> (32 * page)));
        }
    }
    void enable_queue(uint16_t queue, uint16_t size, uint64_t desc, uint64_t driver,
                      uint64_t device) override {
        using namespace virtio::mmio;
        write(kQueueSel, queue);
        write(kQueueNum, size);
        const uint32_t regs[][2] = {
            {kQueueDescLow, kQueueDescHigh},
            {kQueueDriverLow, kQueueDriverHigh},
            {kQueueDeviceLow, kQueueDeviceHigh},
        };
        const uint64_t addrs[] = {desc, driver, device};
        for (unsigned i = 0; i < 3; ++i) {
            write(regs[i][0], static_cast<uint32_t>(addrs[i]));
            write(regs[i][1], static_cast<uint32_t>(addrs[i] >> 32));
        }
        write(kQueueReady, 1);
    }
    void notify(uint16_t queue) override { write(virtio::mmio::kQueueNotify, queue); }
    const char* bus() const override { return "platform"; }
    const char* linux_driver() const override { return "virtio-mmio"; }

private:
    uint32_t read(uint32_t offset) { return load32(regs_ + offset); }
    void write(uint32_t offset, uint32_t value) { store32(regs_ + offset, value); }

    volatile uint8_t* regs_;
};

// Modern virtio-pci (spec 4.1): the common configuration's fields in their own widths,
// notifications at the notify structure + queue_notify_off * multiplier.
class PciTransport final : public Transport {
public:
    PciTransport(volatile uint8_t* common, volatile uint8_t* notify, uint32_t multiplier,
                 const char* device)
        : common_(common), notify_(notify), multiplier_(multiplier), device_(device) {}

    uint8_t status() override { return load8(common_ + virtio::pci::kDeviceStatus); }
    void set_status(uint8_t status) override {
        store8(common_ + virtio::pci::kDeviceStatus, status);
    }
    uint64_t device_features() override {
        uint64_t features = 0;
        for (uint32_t page = 0; page < 2; ++page) {
            store32(common_ + virtio::pci::kDeviceFeatureSelect, page);
            features |= uint64_t{load32(common_ + virtio::pci::kDeviceFeature)} << (32 * page);
        }
        return features;
    }
    void set_driver_features(uint64_t features) override {
        for (uint32_t page = 0; page < 2; ++page) {
            store32(common_ + virtio::pci::kDriverFeatureSelect, page);
            store32(common_ + virtio::pci::kDriverFeature,
                    static_cast<uint32_t>(features >> (32 * page)));
        }
    }
    void enable_queue(uint16_t queue, uint16_t size, uint64_t desc, uint64_t driver,
                      uint64_t device) override {
        using namespace virtio::pci;
        store16(common_ + kQueueSelect, queue);
        store16(common_ + kQueueSize, size);
        const uint32_t fields[] = {kQueueDesc, kQueueDriver, kQueueDevice};
        const uint64_t addrs[] = {desc, driver, device};
        for (unsigned i = 0; i < 3; ++i) {
            store32(common_ + fields[i], static_cast<uint32_t>(addrs[i]));
            store32(common_ + fields[i] + 4, static_cast<uint32_t>(addrs[i] >> 32));
        }
        notify_off_[queue % kQueues] = load16(common_ + kQueueNotifyOff);
        store16(common_ + kQueueEnable, 1);
    }
    void notify(uint16_t queue) override {
        store16(notify_ + notify_off_[queue % kQueues] * multiplier_, queue);
    }
    const char* bus() const override { return "pci"; }
    const char* linux_driver() const override { return "virtio-pci"; }
    void release() override {
        char path[128];
        const char* const parts[] = {"/sys/bus/pci/devices/", device_, "/enable"};
        join(path, sizeof path, parts, 3);
        (void)write_file(path, "0");
    }

private:
    static constexpr unsigned kQueues = 8;
    volatile uint8_t* common_;
    volatile uint8_t* notify_;
    uint32_t multiplier_;
    const char* device_;
    // Queues never enabled are kicked at their own index.
    uint16_t notify_off_[kQueues] = {0, 1, 2, 3, 4, 5, 6, 7};
};

uint32_t le32(const uint8_t* p) {
    return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}

// Enables the function, walks its vendor capabilities for the common and notify
// structures (spec 4.1.4) and maps the BAR they are in.
Transport& open_pci(const char* device) {
    char path[128];
    const char* const enable[] = {"/sys/bus/pci/devices/", device, "/enable"};
    join(path, sizeof path, enable, 3);
    if (!write_file(path, "1")) guest::fail(kProgram, "cannot enable the PCI function");
    const char* const config_parts[] = {"/sys/bus/pci/devices/", device, "/config"};
    join(path, sizeof path, config_parts, 3);
    uint8_t config[256] = {};
    const int fd = guest::open(path, guest::kORdonly);
    if (fd < 0 || guest::pread(fd, config, sizeof config, 0) != sizeof config)
        guest::fail(kProgram, "cannot read the function's configuration space");
    guest::close(fd);
    struct Found {
        bool found = false;
        uint8_t bar = 0;
        uint32_t offset = 0;
    } common, notify;
    uint32_t multiplier = 0;
    unsigned seen = 0;
    for (uint8_t at = config[0x34] & 0xfc; at != 0 && at < 0xf0 && seen < 48; ++seen) {
        constexpr uint8_t kVendorCap = 0x09;
        if (config[at] == kVendorCap) {
            const uint8_t type = config[at + 3];
            const Found f{true, config[at + 4], le32(&config[at + 8])};
            if (type == virtio::pci::kCapCommon && !common.found) common = f;
            if (type == virtio::pci::kCapNotify && !notify.found) {
                notify = f;
                multiplier = le32(&config[at + 16]);
            }
        }
        at = config[at + 1] & 0xfc;
    }
    if (!common.found || !notify.found || common.bar != notify.bar || common.bar > 5)
        guest::fail(kProgram, "no virtio common and notify structures in one BAR");
    const char bar[2] = {static_cast<char>('0' + common.bar), 0};
    const char* const resource[] = {"/sys/bus/pci/devices/", device, "/resource", bar};
    join(path, sizeof path, resource, 4);
    const uint32_t end = (common.offset > notify.offset ? common.offset : notify.offset) + 0x1000;
    volatile uint8_t* base = map(path, (end + 0xfff) & ~uint32_t{0xfff}, 0);
    static PciTransport transport(base + common.offset, base + notify.offset, multiplier, device);
    return transport;
}

// Maps the window named by the platform device (<hex base>.virtio_mmio) from /dev/mem:
// with Linux's driver unbound the region is no longer claimed, so IO_STRICT_DEVMEM lets it.
Transport& open_mmio(const char* device) {
    const uint64_t base = hex(device);
    volatile uint8_t* page = map("/dev/mem", 0x1000, static_cast<long>(base & ~uint64_t{0xfff}));
    volatile uint8_t* regs = page + (base & 0xfff);
    if (load32(regs + virtio::mmio::kMagicValue) != virtio::mmio::kMagic)
        guest::fail(kProgram, "no virtio-mmio window there");
    static MmioTransport transport(regs);
    return transport;
}

} // namespace

void join(char* out, std::size_t room, const char* const* parts, std::size_t count) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < count; ++i)
        for (const char* p = parts[i]; *p != 0 && n + 1 < room; ++p)
            out[n++] = *p;
    out[n] = 0;
}

bool write_file(const char* path, const char* text) {
    const int fd = guest::open(path, guest::kOWronly);
    if (fd < 0) return false;
    const auto n = static_cast<long>(guest::length(text));
    const bool ok = guest::write(fd, text, static_cast<size_t>(n)) == n;
    guest::close(fd);
    return ok;
}

Transport& open_transport(const char* kind, const char* device) {
    if (kind[0] == 'p') return open_pci(device);
    if (kind[0] == 'm') return open_mmio(device);
    guest::fail(kProgram, "the transport is mmio or pci");
}

} // namespace hostile
