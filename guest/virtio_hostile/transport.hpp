// A virtio device as a driver in guest user space reaches it once Linux's driver has let go
// of it: the registers of a virtio-mmio window (mapped from /dev/mem) or of a virtio-pci
// function's common and notify structures (its BAR mapped through sysfs), behind one
// interface, so that every hostile case runs over either transport.
#pragma once

#include <cstddef>
#include <cstdint>

namespace hostile {

class Transport {
public:
    [[nodiscard]] virtual uint8_t status() = 0;
    virtual void set_status(uint8_t status) = 0;
    [[nodiscard]] virtual uint64_t device_features() = 0;
    virtual void set_driver_features(uint64_t features) = 0;
    // Selects `queue`, writes its size and the three areas' guest-physical addresses and
    // enables it (the device checks them now).
    virtual void enable_queue(uint16_t queue, uint16_t size, uint64_t desc, uint64_t driver,
                              uint64_t device) = 0;
    virtual void notify(uint16_t queue) = 0;

    // The sysfs bus and the Linux driver the device is taken from and given back to.
    [[nodiscard]] virtual const char* bus() const = 0;
    [[nodiscard]] virtual const char* linux_driver() const = 0;
    // Before the device is given back (a PCI function's enable count).
    virtual void release() {}

protected:
    ~Transport() = default;
};

// `kind` "mmio": `device` is the platform device's name (<hex base>.virtio_mmio), its
// window mapped from /dev/mem; "pci": the function's address (0000:00:01.0), enabled and
// its BAR mapped through sysfs. Linux's driver must be unbound first. Exits on failure.
Transport& open_transport(const char* kind, const char* device);

// Building sysfs paths without a C library: the parts joined into `out`.
void join(char* out, std::size_t room, const char* const* parts, std::size_t count);
// Writes `text` to the file at `path`; false when it cannot be opened or written.
bool write_file(const char* path, const char* text);

} // namespace hostile
