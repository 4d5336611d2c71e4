// The virtio-net device model (virtio spec 5.1), transport-independent: a receive and a
// transmit queue carrying the 12-byte virtio_net_hdr (v1) and whole Ethernet frames of up
// to 64 KiB, a configuration space with the MAC and the link status, and a small backend
// interface (frames out; frames in through receive()).
#pragma once

#include <virtio/device.hpp>
#include <virtio/virtqueue.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace virtio {

inline constexpr uint32_t kDeviceIdNet = 1;
inline constexpr uint64_t kNetFeatureMac = uint64_t{1} << 5;
inline constexpr uint64_t kNetFeatureStatus = uint64_t{1} << 16;
inline constexpr uint16_t kNetStatusLinkUp = 1;

// struct virtio_net_hdr with VIRTIO_F_VERSION_1 (num_buffers always present).
struct NetHeader {
    uint8_t flags = 0;
    uint8_t gso_type = 0;
    uint16_t hdr_len = 0;
    uint16_t gso_size = 0;
    uint16_t csum_start = 0;
    uint16_t csum_offset = 0;
    uint16_t num_buffers = 0;
};
static_assert(sizeof(NetHeader) == 12);

using MacAddress = std::array<uint8_t, 6>;

// Where transmitted frames go (a queue to a native component, an ARP responder, ...).
class NetBackend {
public:
    // Room for one more frame now; when false the device stops transmitting until
    // NetDevice::backend_ready().
    [[nodiscard]] virtual bool can_send() = 0;
    // One Ethernet frame (no virtio header). False: dropped (counted by the device).
    [[nodiscard]] virtual bool send(std::span<const std::byte> frame) = 0;

protected:
    ~NetBackend() = default;
};

struct NetCounters {
    uint64_t tx_frames = 0;
    uint64_t tx_bytes = 0;
    uint64_t tx_dropped_header = 0;  // chain shorter than the header, or offload flags
    uint64_t tx_dropped_size = 0;    // frame empty or larger than kMaxFrameBytes
    uint64_t tx_dropped_backend = 0; // the backend refused it
    uint64_t rx_frames = 0;
    uint64_t rx_bytes = 0;
    uint64_t rx_no_buffer = 0;         // no receive buffer: left with the backend
    uint64_t rx_dropped_small = 0;     // the driver's buffer could not hold the frame
    uint64_t rx_dropped_not_ready = 0; // driver not ready or link down
    uint64_t rx_dropped_size = 0;      // frame empty or larger than kMaxFrameBytes
};

enum class RxResult : uint8_t { Delivered, NoBuffer, Dropped };

class NetDevice final : public DeviceModel {
public:
    static constexpr unsigned kRxQueue = 0;
    static constexpr unsigned kTxQueue = 1;
    static constexpr uint16_t kQueueSize = 256;
    static constexpr std::size_t kMaxSegments = 64;
    static constexpr std::size_t kMaxFrameBytes = 65536;
    static constexpr uint64_t kFeatures = kFeatureVersion1 | kFeatureIndirectDesc |
                                          kFeatureEventIdx | kNetFeatureMac | kNetFeatureStatus;

    NetDevice(GuestMemory& memory, NetBackend& backend, DeviceEvents& events, MacAddress mac);

    // DeviceModel
    [[nodiscard]] uint32_t device_id() const override { return kDeviceIdNet; }
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
    [[nodiscard]] bool read_config(uint32_t offset, unsigned size, uint32_t& value) const override;
    [[nodiscard]] bool write_config(uint32_t offset, unsigned size, uint32_t value) override;
    [[nodiscard]] uint32_t config_generation() const override { return generation_; }
    void reset() override;

    // A frame for the guest. NoBuffer: the driver has no receive buffer posted; the
    // caller keeps the frame and offers it again after rx_ready() says so.
    [[nodiscard]] RxResult receive(std::span<const std::byte> frame);
    // The driver posted receive buffers since the last NoBuffer (cleared by the call).
    [[nodiscard]] bool rx_ready();
    // The backend has room again: transmit what the driver queued.
    void backend_ready();
    void set_link(bool up);

    [[nodiscard]] const NetCounters& counters() const { return counters_; }
    [[nodiscard]] uint64_t driver_features() const { return driver_features_; }
    [[nodiscard]] Virtqueue& queue(unsigned index) { return queues_[index]; }

private:
    void transmit();
    [[nodiscard]] bool check(unsigned queue);
    void used(unsigned queue);

    GuestMemory& memory_;
    NetBackend& backend_;
    DeviceEvents& events_;
    MacAddress mac_;
    uint16_t status_ = kNetStatusLinkUp;
    uint32_t generation_ = 0;
    uint64_t driver_features_ = 0;
    bool driver_ok_ = false;
    bool rx_waiting_ = false; // a receive() found no buffer
    std::array<Virtqueue, 2> queues_;
    std::array<Segment, kMaxSegments> segments_{};
    std::array<std::byte, kMaxFrameBytes> frame_{};
    NetCounters counters_{};
};

} // namespace virtio
