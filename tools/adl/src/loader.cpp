// Import resolution and merging (see loader.hpp).
#include "adl/loader.hpp"

#include "adl/diagnostic.hpp"
#include "adl/lexer.hpp"
#include "adl/parser.hpp"

#include <filesystem>
#include <set>

namespace adl {

namespace fs = std::filesystem;

namespace {
class AppLoader {
public:
    explicit AppLoader(const PreprocessorOptions& options) : options_(options) {}

    void load(const fs::path& path) {
        auto canonical = fs::weakly_canonical(path).string();
        if (!seen_.insert(canonical).second) {
            return;
        }
        app_.files.push_back(path.string());
        std::string text = preprocess(path.string(), options_);
        Lexer lexer(text, path.string());
        ast::File file = Parser(lexer.tokenize()).parse_file();
        for (const auto& import : file.imports) {
            load(resolve(import));
        }
        auto append = [](auto& to, auto& from) {
            for (auto& x : from) {
                to.push_back(std::move(x));
            }
        };
        append(app_.merged.procedures, file.procedures);
        append(app_.merged.structs, file.structs);
        append(app_.merged.components, file.components);
        append(app_.merged.connectors, file.connectors);
        append(app_.merged.assemblies, file.assemblies);
        append(app_.merged.imports, file.imports);
    }

    // The own definitions of the components the app declares itself (see loader.hpp).
    void own_definitions() {
        std::set<std::string> names;
        for (const auto& c : app_.merged.components) {
            names.insert(c.name);
        }
        for (const auto& name : names) {
            for (const auto& dir : options_.include_dirs) {
                const fs::path own = fs::path(dir) / name / (name + ".camkes");
                std::error_code ec;
                if (!fs::is_regular_file(own, ec) ||
                    seen_.count(fs::weakly_canonical(own).string()) != 0) {
                    continue;
                }
                AppLoader definition(options_);
                definition.load(own);
                ast::File& file = definition.app_.merged;
                for (auto& c : file.components) {
                    if (c.name == name) {
                        app_.merged.own_components.push_back(std::move(c));
                    }
                }
                for (auto& st : file.structs) {
                    app_.merged.own_structs.push_back(std::move(st));
                }
                break;
            }
        }
    }

    LoadedApp take() { return std::move(app_); }

private:
    fs::path resolve(const ast::Import& import) const {
        std::vector<fs::path> candidates;
        if (!import.angled) {
            candidates.push_back(fs::path(import.where.file).parent_path() / import.path);
        }
        for (const auto& dir : options_.include_dirs) {
            candidates.push_back(fs::path(dir) / import.path);
        }
        std::string searched;
        for (const auto& c : candidates) {
            std::error_code ec;
            if (fs::is_regular_file(c, ec)) {
                return c;
            }
            searched += (searched.empty() ? "" : ", ") + c.parent_path().string();
        }
        std::string spelled = import.angled ? "<" + import.path + ">" : "\"" + import.path + "\"";
        throw Error(import.where, "cannot find import " + quote(spelled) +
                                      "; expected it in one of: " + searched);
    }

    const PreprocessorOptions& options_;
    std::set<std::string> seen_;
    LoadedApp app_;
};
} // namespace

LoadedApp load_app(const std::string& main_file, const PreprocessorOptions& options) {
    AppLoader loader(options);
    loader.load(main_file);
    loader.own_definitions();
    return loader.take();
}

} // namespace adl
