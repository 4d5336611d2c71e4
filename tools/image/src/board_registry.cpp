// The board registry: filled by static registrations before main().
#include "image/board.hpp"

#include <map>

namespace image {
namespace {
std::map<std::string, Board>& boards() {
    static std::map<std::string, Board> instance;
    return instance;
}
} // namespace

void BoardRegistry::add(const Board& board) {
    boards()[board.name] = board;
}

const Board* BoardRegistry::find(const std::string& name) {
    auto it = boards().find(name);
    return it == boards().end() ? nullptr : &it->second;
}

std::vector<std::string> BoardRegistry::names() {
    std::vector<std::string> out;
    for (const auto& [name, board] : boards())
        out.push_back(name);
    return out;
}

} // namespace image
