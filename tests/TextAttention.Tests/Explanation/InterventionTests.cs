using TextAttention.Attention;
using static TextAttention.Tests.Attention.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace TextAttention.Tests.Explanation;

/// <summary>Uniform and permuted attention (the baselines of notebook 07) against what they must reduce to. They seed the global generator, so they run alone.</summary>
[Collection("training")]
public sealed class InterventionTests
{
    private static readonly Tensor X = Random(31, 2, 4, 6);
    private static readonly Tensor Mask = Masking.FromLengths(tensor(new long[] { 4, 2 }), 4);

    [Fact]
    public void Uniform_han_attention_is_mean_pooling()
    {
        manual_seed(1);
        var han = Poolings.Create("han", 6);
        han.to(ScalarType.Float64);
        han.Intervention = AttentionIntervention.Uniform;
        var output = han.forward(X, Mask);
        Close(Poolings.Create("mean", 6).forward(X, Mask).Context, output.Context);
        Close([0.25, 0.25, 0.25, 0.25, 0.5, 0.5, 0, 0], output.Weights);
    }

    [Fact]
    public void Uniform_self_attention_summed_over_queries_is_sum_pooling()
    {
        var attention = Poolings.Create("dot-self", 6);
        attention.Intervention = AttentionIntervention.Uniform;
        Close(Poolings.Create("sum", 6).forward(X, Mask).Context, attention.forward(X, Mask).Context);
    }

    [Fact]
    public void The_blog_posts_unmasked_forms_on_a_text_without_padding_become_mean_and_sum_pooling()
    {
        // Notebook 07 reads every text alone, so the unmasked forms see no padding: a mask of all real tokens.
        var whole = ones(2, 4, dtype: ScalarType.Bool);
        manual_seed(5);
        var attention2 = Poolings.Create("han-unmasked", 6);
        attention2.to(ScalarType.Float64);
        attention2.Intervention = AttentionIntervention.Uniform;
        Close(Poolings.Create("mean", 6).forward(X, whole).Context, attention2.forward(X, whole).Context);
        Close(Poolings.Create("mean", 6).forward(X, null).Context, attention2.forward(X, null).Context);

        var attention1 = Poolings.Create("dot-self-unmasked", 6);
        attention1.Intervention = AttentionIntervention.Uniform;
        Close(Poolings.Create("sum", 6).forward(X, whole).Context, attention1.forward(X, whole).Context);
    }

    [Fact]
    public void Uniform_multi_head_attention_gives_every_real_key_the_same_weight()
    {
        manual_seed(2);
        var mhsa = Poolings.Create("mhsa", 6, new PoolingOptions(Heads: 2));
        mhsa.to(ScalarType.Float64);
        mhsa.Intervention = AttentionIntervention.Uniform;
        var output = mhsa.forward(X, Mask);
        Close([0.25, 0.25, 0.25, 0.25, 0.5, 0.5, 0, 0], output.Weights);
        Close(new[] { 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25 }, output.Matrix![0, 0..2].reshape(-1));
    }

    [Theory]
    [InlineData("han")]
    [InlineData("han-unmasked")]
    [InlineData("dot-self-unmasked")]
    [InlineData("dot-self")]
    public void Permuted_attention_moves_the_same_weights_among_the_real_keys(string name)
    {
        manual_seed(3);
        var pooling = Poolings.Create(name, 6, new PoolingOptions(Heads: 2));
        pooling.to(ScalarType.Float64);
        var trained = pooling.forward(X, Mask);
        pooling.Intervention = AttentionIntervention.Permuted;
        var permuted = pooling.forward(X, Mask);
        var rows = trained.Matrix is null ? 1 : 4;
        var before = Values(trained.Matrix ?? trained.Weights);
        var after = Values(permuted.Matrix ?? permuted.Weights);
        var moved = false;
        for (var b = 0; b < 2; b++)
        {
            // Masked poolings may only shuffle within the real keys; the unmasked forms read all four.
            var readable = pooling.IsMasked ? (b == 0 ? 4 : 2) : 4;
            for (var row = 0; row < rows; row++)
            {
                var offset = (b * rows + row) * 4;
                Assert.Equal(before.Skip(offset).Take(readable).Order(), after.Skip(offset).Take(readable).Order());
                Assert.Equal(before.Skip(offset + readable).Take(4 - readable), after.Skip(offset + readable).Take(4 - readable));
                moved |= !before.Skip(offset).Take(readable).SequenceEqual(after.Skip(offset).Take(readable));
            }
        }

        Assert.True(moved, "a random permutation of four and two keys left every row in place");
    }

    [Fact]
    public void Permuted_multi_head_attention_keeps_each_rows_total_on_the_real_keys()
    {
        manual_seed(4);
        var mhsa = Poolings.Create("mhsa", 6, new PoolingOptions(Heads: 2));
        mhsa.to(ScalarType.Float64);
        var trained = mhsa.forward(X, Mask);
        mhsa.Intervention = AttentionIntervention.Permuted;
        var permuted = mhsa.forward(X, Mask);
        // Each head's row is permuted on its own, so the head average is not a permutation; its totals are kept.
        Close(trained.Matrix!.sum(-1), permuted.Matrix!.sum(-1));
        Close(new double[8], permuted.Matrix![1, .., 2..].reshape(-1));
        Assert.False(Values(trained.Context).SequenceEqual(Values(permuted.Context)));
    }

    [Fact]
    public void Poolings_without_attention_refuse_an_intervention()
    {
        foreach (var name in new[] { "mean", "sum", "max", "last" })
        {
            var pooling = Poolings.Create(name, 6);
            Assert.Throws<InvalidOperationException>(() => pooling.Intervention = AttentionIntervention.Uniform);
            pooling.Intervention = AttentionIntervention.None;
        }
    }
}
