// brk_cpp.cpp: a method of a class in a namespace, for function
// breakpoints by demangled name.
namespace shapes {

class Circle {
public:
    explicit Circle(long r) : r_(r) {}
    long area() const;

private:
    long r_;
};

long Circle::area() const
{
    return 3 * r_ * r_; // BP:area
}

} // namespace shapes

int main()
{
    shapes::Circle c(2);
    long a = c.area();
    return a == 12 ? 0 : 1;
}
