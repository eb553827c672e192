// The C++ program the README's Neovim configurations debug
// (e2e/readme_test.go): readme_c.c's behaviour, written with a class and
// iostreams. It prints its working directory, calls Greeter::started() once,
// then answers each line of stdin and exits with 3 + the number of lines.
#include <iostream>
#include <string>
#include <unistd.h>

namespace readme {

class Greeter {
public:
    void started(const std::string &cwd) {
        std::cout << "cwd=" << cwd << std::endl; // BP:started
    }

    int answer(const std::string &line) {
        std::cout << "answer " << n_ << ": " << line << std::endl; // BP:answer
        return ++n_;
    }

private:
    int n_ = 0;
};

} // namespace readme

int main() {
    char buf[4096];
    readme::Greeter g;
    g.started(getcwd(buf, sizeof buf) ? buf : "?");
    int n = 0;
    for (std::string line; std::getline(std::cin, line);)
        n = g.answer(line);
    return 3 + n;
}
