// Fixed-buffer line formatting for the VM library's log.
#include <vmm/log.hpp>

namespace vmm {

LogLine& LogLine::operator<<(std::string_view text) {
    for (char c : text)
        *this << c;
    return *this;
}

LogLine& LogLine::operator<<(char c) {
    if (length_ < kCapacity) buffer_[length_++] = c;
    return *this;
}

LogLine& LogLine::operator<<(Hex h) {
    *this << "0x";
    int shift = 60;
    while (shift > 0 && ((h.value >> shift) & 0xf) == 0)
        shift -= 4;
    for (; shift >= 0; shift -= 4)
        *this << "0123456789abcdef"[(h.value >> shift) & 0xf];
    return *this;
}

LogLine& LogLine::operator<<(Dec d) {
    uint64_t magnitude = static_cast<uint64_t>(d.value);
    if (d.value < 0) {
        *this << '-';
        magnitude = 0 - magnitude;
    }
    char digits[20];
    int n = 0;
    do {
        digits[n++] = static_cast<char>('0' + magnitude % 10);
        magnitude /= 10;
    } while (magnitude != 0);
    while (n > 0)
        *this << digits[--n];
    return *this;
}

bool GuestEventLimit::admit() {
    ++count_;
    if (count_ <= kVerbose) return true;
    ++suppressed_;
    if ((count_ & (count_ - 1)) == 0) {
        LogLine line;
        line << "vmm: " << Dec{static_cast<int64_t>(suppressed_)} << " more " << what_
             << " suppressed (" << Dec{static_cast<int64_t>(count_)} << " in all)";
        line.emit(log_);
        suppressed_ = 0;
    }
    return false;
}

} // namespace vmm
