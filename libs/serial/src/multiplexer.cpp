// The SerialServer's core (see multiplexer.hpp): staging per client, round-robin line
// output, name prefixes, input routing.
#include <serial/multiplexer.hpp>

#include <cstring>

namespace serial {

std::optional<unsigned> Multiplexer::add_client(std::string_view name) {
    if (count_ == kMaxClients) return std::nullopt;
    Client& c = clients_[count_];
    c.name_length = name.size() < kMaxName ? name.size() : kMaxName;
    std::memcpy(c.name, name.data(), c.name_length);
    return count_++;
}

std::string_view Multiplexer::name(unsigned client) const {
    if (client >= count_) return {};
    return {clients_[client].name, clients_[client].name_length};
}

std::size_t Multiplexer::feed(unsigned client, std::span<const char> bytes) {
    if (client >= count_ || bytes.empty()) return 0;
    Client& c = clients_[client];
    const std::size_t room = kStaging - c.used;
    const std::size_t n = bytes.size() < room ? bytes.size() : room;
    std::memcpy(c.staging + c.used, bytes.data(), n);
    c.used += n;
    return n;
}

std::size_t Multiplexer::staged(unsigned client) const {
    return client < count_ ? clients_[client].used : 0;
}

std::size_t Multiplexer::line_length(const Client& c) const {
    const void* nl = std::memchr(c.staging, '\n', c.used);
    if (nl != nullptr)
        return static_cast<std::size_t>(static_cast<const char*>(nl) - c.staging) + 1;
    return c.used == kStaging ? kStaging : 0;
}

void Multiplexer::pump() {
    for (bool progress = count_ != 0; progress;) {
        progress = false;
        // One line per client per turn, each turn starting one client further on.
        for (unsigned k = 0; k < count_; ++k) {
            const unsigned i = (next_ + k) % count_;
            if (const std::size_t n = line_length(clients_[i]); n != 0) {
                emit(i, n);
                progress = true;
            }
        }
        next_ = (next_ + 1) % count_;
    }
}

void Multiplexer::flush_partial(unsigned client) {
    pump();
    if (client < count_ && clients_[client].used != 0) emit(client, clients_[client].used);
}

void Multiplexer::write_text(std::string_view text) {
    if (text.empty()) return;
    terminal_.write({text.data(), text.size()});
    last_written_ = text.back();
}

void Multiplexer::start_line(unsigned client) {
    // Someone else's line is unfinished: it continues on a line of its own later.
    if (last_written_ != '\n') write_text("\r\n");
    cursor_owner_ = static_cast<int>(client);
    if (count_ > 1) { // several clients: every line is named, the first one too
        write_text("[");
        write_text(name(client));
        write_text("] ");
    }
}

void Multiplexer::emit(unsigned client, std::size_t length) {
    Client& c = clients_[client];
    if (cursor_owner_ != static_cast<int>(client) || last_written_ == '\n') start_line(client);
    std::size_t from = 0;
    for (std::size_t i = 0; i < length; ++i) {
        if (c.staging[i] != '\n') continue;
        if (i > from) write_text({c.staging + from, i - from});
        // A bare LF becomes CR LF, as a terminal needs.
        write_text(last_written_ == '\r' ? "\n" : "\r\n");
        from = i + 1;
    }
    if (length > from) write_text({c.staging + from, length - from});
    std::memmove(c.staging, c.staging + length, c.used - length);
    c.used -= length;
    if (last_written_ == '\n') cursor_owner_ = -1;
}

void Multiplexer::message(std::string_view text) {
    if (last_written_ != '\n') write_text("\r\n");
    cursor_owner_ = -1;
    write_text("serial: ");
    write_text(text);
}

void Multiplexer::announce_input() {
    if (count_ == 0) {
        message("no clients take input\r\n");
        return;
    }
    const char digit[2] = {static_cast<char>('0' + input_client_), 0};
    message("input goes to ");
    write_text(name(input_client_));
    write_text(" (@");
    write_text({digit, 1});
    write_text("); at the start of a line @<n> switches, @? lists the clients\r\n");
}

void Multiplexer::input(char byte, InputSink& sink) {
    const InputSwitch::Result r = switch_.feed(byte);
    switch (r.action) {
    case InputSwitch::Action::Deliver:
        if (count_ == 0) return;
        if (held_ == 0 && sink.deliver(input_client_, r.byte)) return;
        if (held_ < kHeld) held_bytes_[held_++] = r.byte;
        return;
    case InputSwitch::Action::Hold:
        return;
    case InputSwitch::Action::SwitchTo:
        if (r.client < count_) {
            // What waits for the old client is its; it is offered to the new one (the
            // user typed it before switching, so it belongs to the line being typed).
            input_client_ = r.client;
            announce_input();
        } else {
            message("no client ");
            const char digit[1] = {static_cast<char>('0' + r.client)};
            write_text({digit, 1});
            write_text("; @? lists the clients\r\n");
        }
        return;
    case InputSwitch::Action::Help:
        message("clients:\r\n");
        for (unsigned i = 0; i < count_; ++i) {
            const char line[4] = {' ', ' ', '@', static_cast<char>('0' + i)};
            write_text({line, 4});
            write_text(" ");
            write_text(name(i));
            write_text(i == input_client_ ? " (input)\r\n" : "\r\n");
        }
        return;
    case InputSwitch::Action::Refused: {
        message("unknown command @");
        const char key[1] = {r.byte};
        write_text({key, 1});
        write_text("; @? lists the clients, @@ types an @\r\n");
        return;
    }
    }
}

bool Multiplexer::retry_input(InputSink& sink) {
    std::size_t done = 0;
    while (done < held_ && count_ != 0 && sink.deliver(input_client_, held_bytes_[done]))
        ++done;
    std::memmove(held_bytes_, held_bytes_ + done, held_ - done);
    held_ -= done;
    return held_ == 0;
}

} // namespace serial
