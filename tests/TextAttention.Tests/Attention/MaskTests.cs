using TextAttention.Attention;
using TorchSharp;
using static TextAttention.Tests.Attention.Tensors;
using static TorchSharp.torch;

namespace TextAttention.Tests.Attention;

/// <summary>Padding must not change anything in a masked pooling, and an all-padding row is defined.</summary>
public sealed class MaskTests
{
    public static TheoryData<string> MaskedNames() =>
        [.. Poolings.Names.Where(n => !n.EndsWith("-unmasked", StringComparison.Ordinal))];

    public static TheoryData<string> UnmaskedNames() =>
        [.. Poolings.Names.Where(n => n.EndsWith("-unmasked", StringComparison.Ordinal))];

    private static SequencePooling Create(string name)
    {
        manual_seed(7);
        var pooling = Poolings.Create(name, 4, new PoolingOptions(Heads: 2));
        pooling.to(ScalarType.Float64);
        pooling.eval();
        return pooling;
    }

    // Two sequences of lengths 4 and 2, padded to T = 5.
    private static (Tensor X, Tensor Mask) Batch()
    {
        var x = Random(10, 2, 5, 4);
        var mask = Masking.FromLengths(tensor(new long[] { 4, 2 }), 5);
        return (x, mask);
    }

    [Theory]
    [MemberData(nameof(MaskedNames))]
    public void Padding_gets_exactly_zero_weight(string name)
    {
        var (x, mask) = Batch();

        var output = Create(name).forward(x, mask);

        var onPadding = output.Weights.masked_select(mask.logical_not());
        Assert.All(Values(onPadding), w => Assert.Equal(0.0, w));
        if (output.Matrix is not null)
        {
            var padKeys = output.Matrix.masked_select(mask.logical_not().unsqueeze(1).expand(2, 5, 5));
            var padQueries = output.Matrix.masked_select(mask.logical_not().unsqueeze(2).expand(2, 5, 5));
            Assert.All(Values(padKeys), w => Assert.Equal(0.0, w));
            Assert.All(Values(padQueries), w => Assert.Equal(0.0, w));
            // Rows of real queries sum to 1 over the real keys.
            var rowSums = output.Matrix.sum(2).masked_select(mask);
            Assert.All(Values(rowSums), s => Assert.Equal(1.0, s, 12));
        }
    }

    [Theory]
    [MemberData(nameof(MaskedNames))]
    public void Values_at_padded_positions_change_nothing(string name)
    {
        var (x, mask) = Batch();
        var pooling = Create(name);
        var garbage = Random(11, 2, 5, 4) * 1e6;
        var changed = where(mask.unsqueeze(-1), x, garbage);

        var before = pooling.forward(x, mask);
        var after = pooling.forward(changed, mask);

        Close(before.Context, after.Context, 1e-12);
        Close(before.Weights, after.Weights, 1e-12);
    }

    [Theory]
    [MemberData(nameof(MaskedNames))]
    public void More_padding_changes_nothing(string name)
    {
        var (x, mask) = Batch();
        var pooling = Create(name);
        var longer = cat([x, Random(12, 2, 3, 4)], 1);                                    // T = 8
        var longerMask = Masking.FromLengths(tensor(new long[] { 4, 2 }), 8);

        var short_ = pooling.forward(x, mask);
        var long_ = pooling.forward(longer, longerMask);

        Close(short_.Context, long_.Context, 1e-12);
        Close(short_.Weights, long_.Weights.narrow(1, 0, 5), 1e-12);
    }

    [Theory]
    [MemberData(nameof(MaskedNames))]
    public void A_padded_sequence_pools_like_the_same_sequence_alone(string name)
    {
        var (x, mask) = Batch();
        var pooling = Create(name);

        var batched = pooling.forward(x, mask);
        var alone = pooling.forward(x.narrow(0, 1, 1).narrow(1, 0, 2), null);               // sequence 1, its 2 real tokens

        Close(alone.Context, batched.Context.narrow(0, 1, 1), 1e-12);
    }

    [Theory]
    [MemberData(nameof(MaskedNames))]
    public void A_row_with_one_real_token_works(string name)
    {
        var x = Random(13, 1, 3, 4);
        var output = Create(name).forward(x, Mask([true, false, false], 1, 3));

        Assert.False(output.Context.isnan().any().item<bool>());
        Assert.Equal(0.0, Values(output.Weights)[1]);
        Assert.Equal(0.0, Values(output.Weights)[2]);
    }

    [Theory]
    [MemberData(nameof(MaskedNames))]
    public void An_all_padding_row_gives_zero_context_zero_weights_and_finite_gradients(string name)
    {
        var x = Random(14, 2, 3, 4).requires_grad_(true);
        var mask = Mask([true, true, false, false, false, false], 2, 3);                   // row 1 is all padding
        var pooling = Create(name);

        var output = pooling.forward(x, mask);
        (output.Context.sum() + output.Weights.sum()).backward();

        Close(zeros(4, dtype: ScalarType.Float64), output.Context[1]);
        Close(zeros(3, dtype: ScalarType.Float64), output.Weights[1]);
        Assert.False(x.grad!.isnan().any().item<bool>());
        Assert.All(pooling.parameters(), p => Assert.False(p.grad?.isnan().any().item<bool>() ?? false));
    }

    [Theory]
    [MemberData(nameof(UnmaskedNames))]
    public void The_seeds_unmasked_forms_are_changed_by_padding(string name)
    {
        var (x, mask) = Batch();
        var pooling = Create(name);
        var garbage = where(mask.unsqueeze(-1), x, Random(15, 2, 5, 4));

        var before = pooling.forward(x, mask);
        var after = pooling.forward(garbage, mask);

        Assert.False(allclose(before.Context, after.Context), $"{name} should see the padding, which is why masks matter");
        Assert.Contains(Values(before.Weights.masked_select(mask.logical_not())), w => w > 0);
    }

    [Fact]
    public void Masks_from_lengths_mark_the_first_L_positions()
    {
        var mask = Masking.FromLengths(tensor(new long[] { 2, 0, 3 }), 3);

        Assert.Equal([true, true, false, false, false, false, true, true, true], mask.data<bool>().ToArray());
    }

    [Fact]
    public void Masked_softmax_puts_exactly_zero_on_masked_positions_and_renormalises()
    {
        // softmax over (0, 0, 5) with the last masked is softmax(0, 0) = (½, ½) and 0.
        var weights = Masking.MaskedSoftmax(Of([0, 0, 5], 1, 3), Mask([true, true, false], 1, 3));

        Close([0.5, 0.5, 0], weights, 1e-15);
    }
}
