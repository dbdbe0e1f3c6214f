using TextAttention.Attention;
using TorchSharp;
using static TextAttention.Tests.Attention.Tensors;
using static TorchSharp.torch;

namespace TextAttention.Tests.Attention;

/// <summary>Shapes, dtypes, devices, errors, and the names the rest of the project uses.</summary>
public sealed class ContractTests
{
    public static TheoryData<string> Names() => [.. Poolings.Names];

    [Theory]
    [MemberData(nameof(Names))]
    public void Outputs_have_the_documented_shapes(string name)
    {
        var pooling = Poolings.Create(name, 6, new PoolingOptions(Heads: 2));
        var x = randn(3, 7, 6);

        var output = pooling.forward(x, Masking.FromLengths(tensor(new long[] { 7, 1, 4 }), 7));

        Assert.Equal([3L, 6L], output.Context.shape);
        Assert.Equal([3L, 7L], output.Weights.shape);
        if (pooling.IsSelfAttention)
        {
            Assert.Equal([3L, 7L, 7L], output.Matrix!.shape);
        }
        else
        {
            Assert.Null(output.Matrix);
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Outputs_follow_the_input_dtype_and_device(string name)
    {
        var pooling = Poolings.Create(name, 4);
        pooling.to(ScalarType.Float64);
        var x = Random(30, 2, 3, 4);

        var output = pooling.forward(x, null);

        Assert.Equal(ScalarType.Float64, output.Context.dtype);
        Assert.Equal(ScalarType.Float64, output.Weights.dtype);
        Assert.Equal(x.device_type, output.Context.device_type);
        Assert.Equal(x.device_type, output.Weights.device_type);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Weights_of_the_normalised_poolings_sum_to_one_over_real_tokens(string name)
    {
        var pooling = Poolings.Create(name, 4);
        var mask = Masking.FromLengths(tensor(new long[] { 5, 3 }), 5);

        var output = pooling.forward(randn(2, 5, 4), mask);

        // The sums are the exceptions: their weights total the number of real tokens (all tokens, unmasked).
        double[] expected = name is "dot-self" or "sum" ? [5, 3] : name is "dot-self-unmasked" ? [5, 5] : [1, 1];
        Close(expected, output.Weights.sum(1), 1e-5);
    }

    [Fact]
    public void A_wrong_input_shape_is_named_with_the_expected_shape()
    {
        var pooling = Poolings.Create("han", 4);

        var flat = Assert.Throws<ArgumentException>(() => pooling.forward(randn(2, 4), null));
        var narrow = Assert.Throws<ArgumentException>(() => pooling.forward(randn(2, 3, 5), null));

        Assert.Contains("(B, T, D) = (B, T, 4)", flat.Message);
        Assert.Contains("got (2, 4)", flat.Message);
        Assert.Contains("got (2, 3, 5)", narrow.Message);
    }

    [Fact]
    public void A_wrong_mask_is_named_with_the_expected_shape_and_dtype()
    {
        var pooling = Poolings.Create("dot-self", 4);
        var x = randn(2, 3, 4);

        var shape = Assert.Throws<ArgumentException>(() => pooling.forward(x, ones(2, 4, dtype: ScalarType.Bool)));
        var dtype = Assert.Throws<ArgumentException>(() => pooling.forward(x, ones(2, 3)));

        Assert.Contains("mask must have shape (B, T) = (2, 3) and dtype Bool; got (2, 4) Bool", shape.Message);
        Assert.Contains("got (2, 3) Float32", dtype.Message);
    }

    [Fact]
    public void An_unknown_name_lists_the_known_ones()
    {
        var error = Assert.Throws<ArgumentException>(() => Poolings.Create("attention_3", 4));

        Assert.Contains("'attention_3' is not a pooling", error.Message);
        Assert.Contains("dot-self, dot-self-mean", error.Message);
    }

    [Fact]
    public void The_names_are_stable()
    {
        // Experiments, results files and the command line refer to these; renaming one breaks them.
        Assert.Equal(
            ["dot-self", "dot-self-mean", "dot-self-unmasked", "dot-self-mean-unmasked", "han", "han-bias", "han-unmasked", "last", "mean", "sum", "max", "mhsa"],
            Poolings.Names);
    }

    [Fact]
    public void Han_has_the_seeds_parameter_shapes_and_initial_range()
    {
        var plain = (ContextVectorAttention)Poolings.Create("han", 8);
        var withBias = (ContextVectorAttention)Poolings.Create("han-bias", 8);

        var shapes = plain.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);
        Assert.Equal(new Dictionary<string, long[]> { ["W_w"] = [8, 8], ["u_w"] = [8, 1] }, shapes);
        Assert.Equal(8 * 8 + 8 + 8, withBias.parameters().Sum(p => p.numel()));
        Assert.All(plain.parameters(), p => Assert.True(p.abs().max().item<float>() <= 0.1f));
    }

    [Theory]
    [InlineData("last", 5, "even width")]
    [InlineData("mhsa", 6, "split evenly into heads")]
    public void Impossible_sizes_are_refused(string name, long dimension, string problem)
    {
        var error = Assert.Throws<ArgumentException>(() => Poolings.Create(name, dimension, new PoolingOptions(Heads: 4)));

        Assert.Contains(problem, error.Message);
    }
}
