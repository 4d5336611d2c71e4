// Test fake for a virtio-net backend that takes every frame and keeps it.
#pragma once

#include <virtio/net.hpp>

#include <cstddef>
#include <span>
#include <vector>

namespace virtio::test {

class SinkBackend final : public NetBackend {
public:
    bool can_send() override { return true; }
    bool send(std::span<const std::byte> frame) override {
        frames.emplace_back(frame.begin(), frame.end());
        return true;
    }
    std::vector<std::vector<std::byte>> frames;
};

} // namespace virtio::test
