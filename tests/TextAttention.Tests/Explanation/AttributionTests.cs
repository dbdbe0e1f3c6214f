using TextAttention.Explanation;
using TextAttention.Models;
using static TextAttention.Tests.Attention.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace TextAttention.Tests.Explanation;

/// <summary>
/// The attributions against what they must satisfy whatever the model: integrated gradients' completeness,
/// gradient × input against finite differences, leave-one-out against explicit re-runs, and zero at padding.
/// A tiny untrained classifier in float64, on a right-padded batch.
/// </summary>
[Collection("training")]
public sealed class AttributionTests
{
    public static TheoryData<string> Poolings() => ["han-unmasked", "dot-self-unmasked", "mhsa", "mean"];

    private static BiLstmClassifier Tiny(string pooling, int seed = 11)
    {
        manual_seed(seed);
        var model = new BiLstmClassifier(new ClassifierConfig(VocabularySize: 30, Classes: 3, EmbeddingSize: 6, HiddenSize: 4, pooling, Dropout: 0.3, Heads: 2));
        model.to(ScalarType.Float64);
        model.eval();
        return model;
    }

    // Two texts, lengths 5 and 3; the second is padded with two zeros.
    private static readonly Tensor Ids = tensor(new long[] { 4, 9, 2, 17, 5, 7, 28, 3, 0, 0 }, [2, 5]);
    private static readonly Tensor Lengths = tensor(new long[] { 5, 3 });
    private static readonly Tensor Target = tensor(new long[] { 2, 0 });

    private static double[] Probabilities(BiLstmClassifier model, Tensor embedded, Tensor lengths, Tensor target)
    {
        using var _ = no_grad();
        return Values(Attributions.Probability(model, embedded, lengths, target));
    }

    [Theory]
    [MemberData(nameof(Poolings))]
    public void Integrated_gradients_sum_to_the_change_from_the_baseline_more_closely_with_more_steps(string pooling)
    {
        var model = Tiny(pooling);
        using var _ = no_grad();
        var embedded = model.Embed(Ids);
        var change = Probabilities(model, embedded, Lengths, Target).Zip(Probabilities(model, zeros_like(embedded), Lengths, Target), (x, b) => x - b).ToArray();

        double[] Gap(int steps)
        {
            var sums = Values(Attributions.IntegratedGradients(model, Ids, Lengths, Target, steps).sum(1));
            return sums.Zip(change, (s, c) => Math.Abs(s - c)).ToArray();
        }

        var four = Gap(4);
        var sixteen = Gap(16);
        var fine = Gap(64);
        for (var b = 0; b < 2; b++)
        {
            Assert.True(fine[b] <= 1e-5 * Math.Max(1, Math.Abs(change[b])), $"{pooling}, text {b}: Σ IG misses f(x) − f(x′) = {change[b]:G6} by {fine[b]:G3} with 64 steps");
            // The midpoint rule's error falls as 1/steps²: ×16 from 4 to 16 steps; a first-order rule would give ×4.
            Assert.True(sixteen[b] <= Math.Max(1e-12, four[b] / 10), $"{pooling}, text {b}: the gap {four[b]:G3} at 4 steps only fell to {sixteen[b]:G3} at 16");
        }
    }

    [Fact]
    public void Integrated_gradients_give_the_same_values_however_the_path_is_cut_into_passes()
    {
        var model = Tiny("han-unmasked");
        var whole = Values(Attributions.IntegratedGradients(model, Ids, Lengths, Target, steps: 10));
        var inPasses = Values(Attributions.IntegratedGradients(model, Ids, Lengths, Target, steps: 10, rows: 6));   // 3 steps of 2 texts per pass
        Assert.Equal(whole.Length, inPasses.Length);
        for (var i = 0; i < whole.Length; i++)
        {
            Assert.Equal(whole[i], inPasses[i], 12);
        }
    }

    [Theory]
    [MemberData(nameof(Poolings))]
    public void Gradient_times_input_is_the_derivative_of_f_along_each_tokens_own_embedding(string pooling)
    {
        var model = Tiny(pooling);
        var attributions = Values(Attributions.GradientTimesInput(model, Ids, Lengths, Target));
        using var _ = no_grad();
        var embedded = model.Embed(Ids);
        const double h = 1e-6;
        foreach (var (b, t) in new[] { (0, 0), (0, 2), (0, 4), (1, 0), (1, 2) })
        {
            // d/dε f(x with token t's embedding scaled by 1 + ε), at ε = 0, is Σ_e ∂f/∂x_te · x_te.
            double At(double scale)
            {
                var moved = embedded.clone();
                moved[b, t] = embedded[b, t] * scale;
                return Probabilities(model, moved, Lengths, Target)[b];
            }

            var numeric = (At(1 + h) - At(1 - h)) / (2 * h);
            Assert.True(Math.Abs(numeric - attributions[b * 5 + t]) <= 1e-6 * Math.Max(1, Math.Abs(numeric)),
                $"{pooling}, text {b}, token {t}: gradient × input {attributions[b * 5 + t]:G8}, finite difference {numeric:G8}");
        }
    }

    [Theory]
    [MemberData(nameof(Poolings))]
    public void Leave_one_out_is_the_probability_lost_when_the_text_is_reread_without_the_token(string pooling)
    {
        var model = Tiny(pooling);
        var attributions = Values(Attributions.LeaveOneOut(model, Ids, Lengths, Target, batchSize: 3));
        var texts = new[] { new long[] { 4, 9, 2, 17, 5 }, [7, 28, 3] };
        var targets = new long[] { 2, 0 };
        double Alone(long[] ids, long target)
        {
            using var _ = no_grad();
            var output = model.forward(tensor(ids).unsqueeze(0), tensor(new long[] { ids.Length }));
            return output.Logits.softmax(1)[0, target].item<double>();
        }

        for (var b = 0; b < texts.Length; b++)
        {
            var full = Alone(texts[b], targets[b]);
            for (var t = 0; t < texts[b].Length; t++)
            {
                var without = texts[b].Where((_, i) => i != t).ToArray();
                Assert.Equal(full - Alone(without, targets[b]), attributions[b * 5 + t], 1e-9);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Poolings))]
    public void Padded_positions_get_exactly_zero_from_every_method(string pooling)
    {
        var model = Tiny(pooling);
        foreach (var attributions in new[]
                 {
                     Attributions.GradientTimesInput(model, Ids, Lengths, Target),
                     Attributions.IntegratedGradients(model, Ids, Lengths, Target, 4),
                     Attributions.LeaveOneOut(model, Ids, Lengths, Target),
                 })
        {
            var values = Values(attributions);
            Assert.Equal(0.0, values[8]);
            Assert.Equal(0.0, values[9]);
            Assert.Contains(values.Take(8), v => v != 0);
        }
    }

    [Fact]
    public void A_one_token_text_has_nothing_to_leave_out_and_integrated_gradients_needs_a_step()
    {
        var model = Tiny("han");
        var values = Values(Attributions.LeaveOneOut(model, tensor(new long[] { 5 }, [1, 1]), tensor(new long[] { 1 }), tensor(new long[] { 0 })));
        Assert.Equal([0.0], values);
        Assert.Throws<ArgumentOutOfRangeException>(() => Attributions.IntegratedGradients(model, Ids, Lengths, Target, steps: 0));
    }
}
