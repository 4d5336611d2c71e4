// Graphviz picture (see dot_writer.hpp).
#include "adl/dot_writer.hpp"

#include <sstream>

namespace adl {

std::string write_dot(const model::System& s) {
    std::ostringstream out;
    out << "digraph assembly {\n  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n";
    for (const auto& i : s.instances) {
        out << "  \"" << i.name << "\" [shape=box, style=rounded, label=\"" << i.name << "\\n("
            << i.component->name << ")\"];\n";
    }
    for (const auto& c : s.connections) {
        const char* style = c.kind == model::ConnectionKind::Event            ? "dashed"
                            : c.kind == model::ConnectionKind::SharedMemory   ? "bold"
                            : c.kind == model::ConnectionKind::DtbPassthrough ? "dotted"
                                                                              : "solid";
        for (const auto& f : c.from) {
            for (const auto& t : c.to) {
                out << "  \"" << f.instance << "\" -> \"" << t.instance << "\" [style=" << style
                    << ", label=\"" << c.name << "\\n"
                    << c.connector << "\", taillabel=\"" << f.interface << "\", headlabel=\""
                    << t.interface << "\"];\n";
            }
        }
    }
    size_t n = 0;
    for (const auto& r : s.regions) {
        if (r.kind != model::RegionKind::Device) {
            continue;
        }
        out << "  \"dev" << n << "\" [shape=note, label=\"" << r.source << "\"];\n";
        out << "  \"dev" << n++ << "\" -> \"" << r.owner << "\" [style=dotted, arrowhead=none];\n";
    }
    out << "}\n";
    return out.str();
}

} // namespace adl
