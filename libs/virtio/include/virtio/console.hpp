// The virtio-console device model (virtio spec 5.3), transport-independent: one port
// (the guest's hvc0) with a receive queue (bytes to the guest) and a transmit queue
// (bytes from it), no optional console features (VIRTIO_F_EVENT_IDX of the rings). Output
// goes to a ConsoleBackend as far as it
// takes it; a chain the backend could not take whole stays in flight and is finished
// when the backend has room (back-pressure: the guest's writes wait, nothing is lost).
#pragma once

#include <virtio/device.hpp>
#include <virtio/virtqueue.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace virtio {

inline constexpr uint32_t kDeviceIdConsole = 3;

class ConsoleBackend {
public:
    // Bytes the guest wrote: takes as many as it can now and returns how many.
    virtual std::size_t write(std::span<const char> bytes) = 0;
    // The guest's burst of output is over for now (a transmit kick drained).
    virtual void flush() {}
    // The device completed transmit buffers within the guest's kick and would leave their
    // interrupt undecided until settle_transmit_interrupt(): true if the backend will call
    // that when the guest next waits (it asks to hear of it); false: decided at once.
    virtual bool defer_transmit_interrupt() { return false; }

protected:
    ~ConsoleBackend() = default;
};

struct ConsoleCounters {
    uint64_t tx_bytes = 0;
    uint64_t rx_bytes = 0;
    uint64_t tx_waits = 0;     // the backend was full: transmit waited
    uint64_t rx_no_buffer = 0; // receive() found no buffer
    uint64_t tx_deferred = 0;  // transmit interrupts left undecided at a kick
};

class ConsoleDevice final : public DeviceModel {
public:
    static constexpr unsigned kRxQueue = 0;
    static constexpr unsigned kTxQueue = 1;
    static constexpr uint16_t kQueueSize = 128;
    static constexpr std::size_t kMaxSegments = 16;
    static constexpr uint64_t kFeatures =
        kFeatureVersion1 | kFeatureIndirectDesc | kFeatureEventIdx;

    ConsoleDevice(GuestMemory& memory, ConsoleBackend& backend, DeviceEvents& events);

    // DeviceModel
    [[nodiscard]] uint32_t device_id() const override { return kDeviceIdConsole; }
    [[nodiscard]] uint64_t device_features() const override { return kFeatures; }
    [[nodiscard]] bool set_driver_features(uint64_t features) override;
    [[nodiscard]] unsigned num_queues() const override { return 2; }
    [[nodiscard]] uint16_t max_queue_size(unsigned queue) const override {
        return queue < 2 ? kQueueSize : 0;
    }
    [[nodiscard]] QueueError start_queue(unsigned queue, GuestPhysAddr desc, GuestPhysAddr avail,
                                         GuestPhysAddr used, uint16_t size) override;
    void stop_queue(unsigned queue) override;
    void queue_notify(unsigned queue) override;
    void driver_ok() override;
    // struct virtio_console_config (cols, rows, max_nr_ports, emerg_wr): all zero, none of
    // the features that give them meaning is offered.
    [[nodiscard]] bool read_config(uint32_t offset, unsigned size, uint32_t& value) const override;
    [[nodiscard]] bool write_config(uint32_t offset, unsigned size, uint32_t value) override;
    [[nodiscard]] uint32_t config_generation() const override { return 0; }
    void reset() override;

    // Bytes for the guest: as many as its posted receive buffers hold; returns how many
    // (the caller keeps the rest and offers them again when rx_ready()).
    std::size_t receive(std::span<const char> bytes);
    [[nodiscard]] bool rx_ready();
    // The backend has room again: transmit what waits.
    void backend_ready();
    // The transmit interrupt left undecided at a kick (ConsoleBackend::defer_transmit_interrupt),
    // decided now: raised unless the driver has taken its buffers back meanwhile (used_event
    // caught up), as a driver that polls them does (Linux's hvc: put_chars() spins until
    // the buffer is used). The device calls it at the next kick; the backend when the guest
    // waits.
    void settle_transmit_interrupt();

    [[nodiscard]] const ConsoleCounters& counters() const { return counters_; }

private:
    void transmit(bool kick);
    void transmit_interrupt(bool kick);
    [[nodiscard]] bool check(unsigned queue);

    GuestMemory& memory_;
    ConsoleBackend& backend_;
    DeviceEvents& events_;
    uint64_t driver_features_ = 0;
    bool driver_ok_ = false;
    bool rx_waiting_ = false;
    std::array<Virtqueue, 2> queues_;
    std::array<Segment, kMaxSegments> rx_segments_{};
    std::array<Segment, kMaxSegments> tx_segments_{};
    std::optional<Chain> tx_chain_; // in flight: the backend took part of it
    uint32_t tx_done_ = 0;          // bytes of tx_chain_ the backend has
    bool tx_owed_ = false;          // a transmit interrupt left undecided
    ConsoleCounters counters_{};
};

} // namespace virtio
