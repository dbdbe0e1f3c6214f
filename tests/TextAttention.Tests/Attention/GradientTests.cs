using TextAttention.Attention;
using TorchSharp;
using static TextAttention.Tests.Attention.Tensors;
using static TorchSharp.torch;

namespace TextAttention.Tests.Attention;

/// <summary>Autograd's gradients against central finite differences, in float64.</summary>
public sealed class GradientTests
{
    public static TheoryData<string> Names() => [.. Poolings.Names];

    [Theory]
    [MemberData(nameof(Names))]
    public void Gradients_match_finite_differences(string name)
    {
        manual_seed(3);
        var pooling = Poolings.Create(name, 4, new PoolingOptions(Heads: 2));
        pooling.to(ScalarType.Float64);
        var x = Random(20, 2, 3, 4).requires_grad_(true);
        var mask = Masking.FromLengths(tensor(new long[] { 3, 2 }), 3);
        var r1 = Random(21, 2, 4);
        var r2 = Random(22, 2, 3);

        // A scalar that depends on both outputs with random coefficients.
        double Loss()
        {
            using var noGrad = no_grad();
            var output = pooling.forward(x, mask);
            return ((output.Context * r1).sum() + (output.Weights * r2).sum()).item<double>();
        }

        var output = pooling.forward(x, mask);
        ((output.Context * r1).sum() + (output.Weights * r2).sum()).backward();

        var checkedTensors = pooling.parameters().Select(p => (Tensor)p).Append(x).ToList();
        foreach (var t in checkedTensors)
        {
            var analytic = Values(t.grad!);
            var flat = t.detach().view(-1);   // shares storage with t
            for (var i = 0; i < flat.shape[0]; i += Math.Max(1, (int)(flat.shape[0] / 7)))
            {
                const double h = 1e-6;
                var original = flat[i].item<double>();
                using (no_grad()) flat[i] = original + h;
                var up = Loss();
                using (no_grad()) flat[i] = original - h;
                var down = Loss();
                using (no_grad()) flat[i] = original;
                var numeric = (up - down) / (2 * h);
                Assert.True(Math.Abs(numeric - analytic[i]) <= 1e-6 * Math.Max(1, Math.Abs(numeric)),
                    $"{name}: d loss / d element {i} of a {string.Join("x", t.shape)} tensor: autograd {analytic[i]}, finite difference {numeric}");
            }
        }
    }
}
