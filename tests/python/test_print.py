import qtaichi as ti


def test_print_strings_and_values(capfd):
    x = ti.field(ti.f32, shape=2)
    x[1] = 2.5

    @ti.kernel
    def k(a: ti.i32):
        print("a =", a, "x[1] =", x[1])
        print(a * 2)
        print("done")

    k(21)
    out = capfd.readouterr().out
    assert out == "a = 21 x[1] = 2.500000\n42\ndone\n"


def test_print_in_serial_inner_loop(capfd):
    @ti.kernel
    def k():
        for _ in range(1):
            for i in range(3):
                print("i", i)

    k()
    assert capfd.readouterr().out == "i 0\ni 1\ni 2\n"
