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

Board BoardRegistry::checked(const std::string& name, uint32_t gic_version) {
    Board board = for_gic_version(checked(name), gic_version);
    const std::vector<BoardProblem> problems = check_board(board);
    if (problems.empty()) return board;
    std::string what;
    for (const BoardProblem& p : problems) {
        what += (what.empty() ? "" : "\n") + board.where + ": board " + board.name + " (GICv" +
                std::to_string(board.gic_version) + "): " + p.field + ": " + p.message;
    }
    throw std::runtime_error(what);
}

std::vector<uint32_t> gic_versions(const Board& board) {
    std::vector<uint32_t> out{board.gic_version};
    if (board.gic_version != 3 && board.gicv3.gicd.raw() != 0) out.push_back(3);
    return out;
}

Board for_gic_version(const Board& board, uint32_t version) {
    if (version == 0 || version == board.gic_version) return board;
    if (version != 3 || board.gicv3.gicd.raw() == 0) {
        throw std::runtime_error(board.where + ": board " + board.name + " offers no GICv" +
                                 std::to_string(version) + " (gic_version " +
                                 std::to_string(board.gic_version) + ", no gicv3 frames)");
    }
    Board out = board;
    out.gic_version = 3;
    out.gicd = board.gicv3.gicd;
    out.gicr = board.gicv3.gicr;
    out.gicc = out.gich = out.gicv = base::PhysAddr{};
    return out;
}

std::vector<std::string> BoardRegistry::names() {
    std::vector<std::string> out;
    for (const auto& [name, board] : boards())
        out.push_back(name);
    return out;
}

} // namespace image
