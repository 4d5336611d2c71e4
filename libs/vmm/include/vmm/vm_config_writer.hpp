// Host side of vm_config.hpp: builds a VM's binary configuration (the VM type's lowerer
// uses it; tests build hostile ones with it). Fill header(), add strings and tables, then
// finish(): the header's size, magic and version are set there.
#pragma once

#include <vmm/vm_config.hpp>

#include <cstring>
#include <string_view>
#include <vector>

namespace vmm::vm_config {

class Writer {
public:
    Writer() : bytes_(sizeof(Header)) {}

    Header& header() { return header_; }

    StringRef add_string(std::string_view s) {
        const StringRef ref{append(s.data(), s.size()), static_cast<uint32_t>(s.size())};
        return ref;
    }
    template <class T> TableRef add_table(const std::vector<T>& records) {
        return {append(records.data(), records.size() * sizeof(T)),
                static_cast<uint32_t>(records.size())};
    }

    std::vector<std::byte> finish() {
        std::memcpy(header_.magic, kMagic, sizeof kMagic);
        header_.version = kVersion;
        header_.size = static_cast<uint32_t>(bytes_.size());
        std::memcpy(bytes_.data(), &header_, sizeof header_);
        return bytes_;
    }

private:
    uint32_t append(const void* data, std::size_t size) {
        while (bytes_.size() % 8 != 0)
            bytes_.push_back(std::byte{0});
        const auto offset = static_cast<uint32_t>(bytes_.size());
        const auto* p = static_cast<const std::byte*>(data);
        bytes_.insert(bytes_.end(), p, p + size);
        return offset;
    }

    std::vector<std::byte> bytes_;
    Header header_{};
};

} // namespace vmm::vm_config
