using TorchSharp;
using static TorchSharp.torch;

namespace TextAttention.Tests.Attention;

/// <summary>Small helpers for building toy tensors and comparing them with hand-computed numbers.</summary>
internal static class Tensors
{
    /// <summary>A float64 tensor of the given shape from row-major values.</summary>
    public static Tensor Of(double[] values, params long[] shape) => tensor(values, dtype: ScalarType.Float64).reshape(shape);

    public static Tensor Mask(bool[] values, params long[] shape) => tensor(values).reshape(shape);

    public static double[] Values(Tensor t) => t.to_type(ScalarType.Float64).contiguous().data<double>().ToArray();

    public static void Close(double[] expected, Tensor actual, double tolerance = 1e-9)
    {
        var values = Values(actual);
        Assert.True(expected.Length == values.Length, $"expected {expected.Length} values, got {values.Length} (shape {string.Join("x", actual.shape)})");
        for (var i = 0; i < values.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - values[i]) <= tolerance, $"element {i}: expected {expected[i]}, got {values[i]} (all: {string.Join(", ", values)})");
        }
    }

    public static void Close(Tensor expected, Tensor actual, double tolerance = 1e-9)
    {
        Assert.Equal(expected.shape, actual.shape);
        Close(Values(expected), actual, tolerance);
    }

    /// <summary>A seeded random float64 tensor, independent of the global generator.</summary>
    public static Tensor Random(long seed, params long[] shape)
    {
        using var generator = new Generator((ulong)seed);
        return randn(shape, dtype: ScalarType.Float64, generator: generator);
    }
}
