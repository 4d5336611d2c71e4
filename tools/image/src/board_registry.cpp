// The board registry: filled by static registrations before main().
#include "image/board.hpp"

#include <map>
#include <stdexcept>

namespace image {
namespace {
std::map<std::string, Board>& boards() {
    static std::map<std::string, Board> instance;
    return instance;
}
} // namespace

BoardRegistration::BoardRegistration(const Board& board, const char* file, int line) {
    Board registered = board;
    registered.where = std::string(file) + ":" + std::to_string(line);
    BoardRegistry::add(registered);
}

void BoardRegistry::add(const Board& board) {
    boards()[board.name] = board;
}

const Board* BoardRegistry::find(const std::string& name) {
    auto it = boards().find(name);
    return it == boards().end() ? nullptr : &it->second;
}

const Board& BoardRegistry::checked(const std::string& name) {
    const Board* board = find(name);
    if (board == nullptr) {
        std::string known;
        for (const auto& n : names())
            known += (known.empty() ? "" : ", ") + n;
        throw std::runtime_error("platform '" + name +
                                 "' has no board description; expected one of: " + known);
    }
    const std::vector<BoardProblem> problems = check_board(*board);
    if (problems.empty()) return *board;
    std::string what;
    for (const BoardProblem& p : problems) {
        what += (what.empty() ? "" : "\n") + board->where + ": board " + board->name + ": " +
                p.field + ": " + p.message;
    }
    throw std::runtime_error(what);
}

std::vector<std::string> BoardRegistry::names() {
    std::vector<std::string> out;
    for (const auto& [name, board] : boards())
        out.push_back(name);
    return out;
}

} // namespace image
