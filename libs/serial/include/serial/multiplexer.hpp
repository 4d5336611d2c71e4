// One console shared by several clients (the SerialServer's core, portable and host-tested):
// each client's output is assembled into lines and written whole, so clients' lines never
// mix; with more than one client each line starts with the client's name; complete
// lines leave round-robin, one per client per turn, so a client that floods cannot keep
// another's lines waiting behind its own. A client's output is taken only as far as its
// staging buffer has room (`feed` says how much): the rest stays with the client, which is
// back-pressure, never a dropped character. Input (see input_switch.hpp) goes to one
// client at a time; every switch is announced on the console.
#pragma once

#include <serial/input_switch.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace serial {

// Where the console's bytes go (the UART driver; a buffer in tests). Blocking: when it
// returns, the bytes are out.
class Terminal {
public:
    virtual void write(std::span<const char> bytes) = 0;

protected:
    ~Terminal() = default;
};

// Where a client's input goes. False: the client has no room now; the byte is held.
class InputSink {
public:
    virtual bool deliver(unsigned client, char byte) = 0;

protected:
    ~InputSink() = default;
};

class Multiplexer {
public:
    static constexpr unsigned kMaxClients = 8;
    static constexpr std::size_t kStaging = 512; // per client: the longest unsplit line
    static constexpr std::size_t kMaxName = 24;

    explicit Multiplexer(Terminal& terminal) : terminal_(terminal) {}

    // A client (its index, in order of adding), or nothing when the table is full. Names
    // longer than kMaxName are cut.
    std::optional<unsigned> add_client(std::string_view name);
    [[nodiscard]] unsigned clients() const { return count_; }
    [[nodiscard]] std::string_view name(unsigned client) const;

    // Output: takes as many of `bytes` as the client's staging buffer holds; returns how
    // many.
    std::size_t feed(unsigned client, std::span<const char> bytes);
    // Writes every complete line, round-robin; a staging buffer full without a newline
    // leaves as a line of its own.
    void pump();
    // The client has nothing more to say for now: what it has staged without a newline
    // (a shell's prompt, an echoed key) goes out too, after the complete lines.
    void flush_partial(unsigned client);
    [[nodiscard]] std::size_t staged(unsigned client) const;

    // Input from the console, one byte (only while can_take_input()): a switch command is
    // acted on and announced, the rest goes to the client input goes to, or waits here
    // (up to kHeld bytes) while that client has no room.
    static constexpr std::size_t kHeld = 256;
    [[nodiscard]] bool can_take_input() const { return held_ < kHeld; }
    void input(char byte, InputSink& sink);
    // Offers the waiting input again; true when none waits any more.
    bool retry_input(InputSink& sink);
    [[nodiscard]] unsigned input_client() const { return input_client_; }
    // Says on the console where input goes and how to switch.
    void announce_input();

private:
    struct Client {
        char name[kMaxName] = {};
        std::size_t name_length = 0;
        char staging[kStaging] = {};
        std::size_t used = 0;
    };

    // Writes the first `length` staged bytes of `client` as (part of) its line.
    void emit(unsigned client, std::size_t length);
    void start_line(unsigned client);
    void message(std::string_view text);
    void write_text(std::string_view text);
    [[nodiscard]] std::size_t line_length(const Client& c) const;

    Terminal& terminal_;
    Client clients_[kMaxClients];
    unsigned count_ = 0;
    unsigned next_ = 0;          // round-robin start
    int cursor_owner_ = -1;      // client whose line the console is in the middle of
    bool prefixed_line_ = false; // the current line carries its owner's name
    char last_written_ = '\n';
    InputSwitch switch_;
    unsigned input_client_ = 0;
    char held_bytes_[kHeld] = {};
    std::size_t held_ = 0;
};

} // namespace serial
