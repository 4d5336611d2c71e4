// cpp invocation (see preprocessor.hpp). -undef keeps cpp's own predefined names
// (`linux`, `unix`) out of assemblies that use them as plain words.
#include "adl/preprocessor.hpp"

#include "adl/diagnostic.hpp"

#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace adl {

namespace {
std::string read_all(int fd) {
    std::string out;
    char buf[65536];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n <= 0) {
            break;
        }
        out.append(buf, static_cast<size_t>(n));
    }
    return out;
}

// cpp's first diagnostic "file:line:col: error: text" as an adl::Error.
Error cpp_error(const std::string& path, const std::string& errors) {
    SourceLocation where{path, 0, 0};
    std::string first = errors.substr(0, errors.find('\n'));
    size_t a = first.find(':');
    size_t b = a == std::string::npos ? a : first.find(':', a + 1);
    size_t c = b == std::string::npos ? b : first.find(':', b + 1);
    if (c != std::string::npos) {
        where.file = first.substr(0, a);
        where.line = static_cast<uint32_t>(
            std::strtoul(first.substr(a + 1, b - a - 1).c_str(), nullptr, 10));
        where.column = static_cast<uint32_t>(
            std::strtoul(first.substr(b + 1, c - b - 1).c_str(), nullptr, 10));
    }
    return Error(where,
                 "the C preprocessor rejected the file; expected valid cpp input:\n" + errors);
}
} // namespace

std::string preprocess(const std::string& path, const PreprocessorOptions& options) {
    std::vector<std::string> args = {
        options.program, "-x", "c", "-undef", "-nostdinc", "-std=gnu11", "-D__BULKHEAD__=1"};
    for (const auto& dir : options.include_dirs) {
        args.push_back("-I" + dir);
    }
    for (const auto& def : options.defines) {
        args.push_back("-D" + def);
    }
    args.push_back(path);

    int out_pipe[2];
    char err_name[] = "/tmp/bulkhead-cpp-XXXXXX";
    int err_fd = ::mkstemp(err_name);
    if (err_fd < 0 || ::pipe(out_pipe) != 0) {
        throw Error({path, 0, 0}, "cannot run the C preprocessor (no pipe or temporary file)");
    }
    ::unlink(err_name);
    pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(out_pipe[1], 1);
        ::dup2(err_fd, 2);
        ::close(out_pipe[0]);
        std::vector<char*> argv;
        argv.reserve(args.size() + 1);
        for (auto& a : args) {
            argv.push_back(a.data());
        }
        argv.push_back(nullptr);
        ::execvp(argv[0], argv.data());
        std::perror("exec cpp");
        ::_exit(127);
    }
    ::close(out_pipe[1]);
    std::string text = read_all(out_pipe[0]);
    ::close(out_pipe[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    ::lseek(err_fd, 0, SEEK_SET);
    std::string errors = read_all(err_fd);
    ::close(err_fd);
    if (pid < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        throw cpp_error(path, errors);
    }
    return text;
}

} // namespace adl
