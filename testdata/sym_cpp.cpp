// sym_cpp: C++ names for the symbols tests: a namespace, a class with an
// out-of-line method, overloads, a template, an inline function, a lambda
// and a class local to a function.
#include <cstdio>

namespace geo {

struct Point {
    int x, y;
    int norm1() const;
};

int Point::norm1() const
{
    int ax = x < 0 ? -x : x; // BP:norm1_body
    int ay = y < 0 ? -y : y;
    return ax + ay;
}

int scale(int v) { return v * 3; } // BP:scale_int
double scale(double v) { return v * 1.5; } // BP:scale_double

template <typename T> T biggest(T a, T b)
{
    return a > b ? a : b; // BP:biggest_body
}

} // namespace geo

static inline int square(int v) { return v * v; } // BP:square_body

int main(int argc, char **)
{
    geo::Point p{argc - 4, 2};
    int n = p.norm1() + geo::scale(argc); // BP:cpp_main
    double d = geo::scale(2.0);
    int b = geo::biggest(n, argc) + (int)geo::biggest(d, 1.0);
    auto times = [argc](int v) { // BP:lambda_open
        return v * argc; // BP:lambda_body
    };
    struct Local {
        static int twice(int x)
        {
            return 2 * x; // BP:local_twice
        }
    };
    std::printf("%d %d %d\n", b, square(n), times(3) + Local::twice(argc));
    return 0;
}
