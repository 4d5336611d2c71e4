// The SerialServer's configuration, which its lowerer (host/serial_server_lowerer.cpp)
// writes into the type blob of the instance page and the component reads: where the UART
// is, and per client (one per connected component instance) its name, the badges its
// calls carry, the capability that signals it when input has arrived and the bit by which
// it says that output is waiting. All provides
// interfaces share one endpoint, so one thread serves them; a badge says which interface
// a call came through (badge >> kPortShift) and which caller (the whole badge).
#pragma once

#include <cstdint>

namespace serial_server {

inline constexpr char kMagic[8] = {'B', 'H', 'S', 'E', 'R', 'I', 'A', 'L'};
inline constexpr uint32_t kVersion = 2;
inline constexpr unsigned kMaxClients = 8;
inline constexpr unsigned kNameBytes = 32;

enum class Port : uint32_t {
    ProcessedPutChar = 1,
    RawPutChar = 2,
    ProcessedBatch = 3,
    RawBatch = 4,
    GetChar = 5,
};
inline constexpr unsigned kPortShift = 8; // badge = port << 8 | caller number (1..255)

constexpr Port port_of(uint64_t badge) {
    return static_cast<Port>(badge >> kPortShift);
}

// Where the UART's registers are in the server's address space.
inline constexpr uint64_t kUartAddr = 0x0d00'0000;

struct Client {
    char name[kNameBytes];  // the instance's name, NUL-terminated
    uint64_t putchar_badge; // 0: not connected there
    uint64_t batch_badge;
    uint64_t getchar_badge;
    uint32_t signal_slot; // notification (send) to the client: its input ring has data
    uint32_t reserved;
    // The client's bit in the server's bound notification: its batch ring has output (an
    // asynchronous batch(); the call remains for a full ring). 0: the client never wakes.
    uint64_t batch_wake_bit;
};

struct Config {
    char magic[8];
    uint32_t version;
    uint32_t client_count;
    uint32_t rpc_slot;      // the shared endpoint (receive)
    uint32_t uart_irq_slot; // IRQ handler of the UART's line
    uint64_t uart_irq_bit;  // its bit in the bound notification
    Client clients[kMaxClients];
};

} // namespace serial_server
