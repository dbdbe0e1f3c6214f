using TextAttention.Data;
using TextAttention.Experiments;
using TextAttention.Explanation;
using TextAttention.Inference;
using TextAttention.Models;
using TextAttention.Text;
using static TextAttention.Tests.Attention.Tensors;
using static TorchSharp.torch;

namespace TextAttention.Tests.Explanation;

/// <summary>The per-text explanations and faithfulness figures of notebook 07 against the tensor-level methods, re-read texts and hand-computed values.</summary>
[Collection("training")]
public sealed class ExplainerTests
{
    private static readonly RunSettings Tiny = new(EmbeddingSize: 8, HiddenSize: 8, MaxLength: 24, BatchSize: 16);

    private static readonly Lazy<PreparedCorpus> Data = new(() =>
        Experiment.Prepare(SyntheticCorpus.Generate(new SyntheticOptions(Train: 200, Validation: 40, Test: 40, MinLength: 6, MaxLength: 20, Seed: 5)), Tiny));

    private static Predictor Untrained(string pooling)
    {
        manual_seed(7);
        return Data.Value.Predictor(new BiLstmClassifier(Experiment.Config(Data.Value, pooling, Tiny)), Tiny);
    }

    [Theory]
    [InlineData("han-unmasked")]
    [InlineData("dot-self-unmasked")]
    public void Each_text_is_explained_as_if_alone_in_the_order_given(string pooling)
    {
        var predictor = Untrained(pooling);
        var examples = Data.Value.Test.Take(12).Reverse().ToList();
        var explanations = Explainer.Explain(predictor, examples, new ExplainOptions(FirstSteps: 64, BatchSize: 4));

        Assert.Equal(examples.Select(e => e.Index), explanations.Select(e => e.Index));
        foreach (var (example, explanation) in examples.Zip(explanations))
        {
            Assert.Equal(Alone(predictor, example).argmax(1).item<long>(), explanation.Predicted);
            Assert.Equal(example.Ids.Length, explanation.Tokens.Count);
            Assert.Equal(1.0, explanation.Attention.Sum(), 5);
            Assert.True(explanation.Complete && Math.Abs(explanation.CompletenessGap) < 1e-3, $"text {example.Index}: completeness gap {explanation.CompletenessGap}");
            Assert.Equal(explanation.IntegratedGradients.Sum() - explanation.Change, explanation.CompletenessGap, 12);

            using var ids = tensor(example.Ids).unsqueeze(0);
            using var lengths = tensor(new long[] { example.Ids.Length });
            using var target = tensor(new long[] { explanation.Predicted });
            Close(explanation.LeaveOneOut, Attributions.LeaveOneOut(predictor.Model, ids, lengths, target), 1e-6);
            Close(explanation.GradientTimesInput, Attributions.GradientTimesInput(predictor.Model, ids, lengths, target, AttributionOutput.Logit), 1e-6);
            // The change explained is the logit's: at the text minus at the all-zero embedding.
            var (atText, atBaseline) = Attributions.Ends(predictor.Model, ids, lengths, target, AttributionOutput.Logit);
            Assert.Equal(atText.item<double>() - atBaseline.item<double>(), explanation.Change, 5);   // float32, batched differently
        }
    }

    [Fact]
    public void Integrated_gradients_refine_their_partition_only_for_texts_that_miss_the_tolerance()
    {
        var predictor = Untrained("han-unmasked");
        var examples = Data.Value.Test.Take(8).ToList();
        // A tolerance no Riemann sum meets: every text refines up to the maximum, and is reported incomplete.
        var impossible = Explainer.Explain(predictor, examples, new ExplainOptions(FirstSteps: 2, MaxSteps: 16, RelativeTolerance: 0, AbsoluteTolerance: 0));
        // A tolerance every text meets at once: no text refines.
        var easy = Explainer.Explain(predictor, examples, new ExplainOptions(FirstSteps: 2, MaxSteps: 16, RelativeTolerance: 1, AbsoluteTolerance: 10));
        // A tight one: texts stop at different partitions, each within the tolerance.
        var tight = new ExplainOptions(FirstSteps: 1, MaxSteps: 256, RelativeTolerance: 0, AbsoluteTolerance: 1e-4);
        var adaptive = Explainer.Explain(predictor, examples, tight);

        Assert.All(impossible, e => Assert.Equal((16, false), (e.Steps, e.Complete)));
        Assert.All(easy, e => Assert.Equal((2, true), (e.Steps, e.Complete)));
        foreach (var e in adaptive)
        {
            Assert.True(e.Complete, $"text {e.Index} missed 1e-4 at {e.Steps} steps: gap {e.CompletenessGap}");
            Assert.True(tight.Meets(e.CompletenessGap, e.Change), $"text {e.Index}: gap {e.CompletenessGap}");
            // The refined sum is integrated gradients: a uniform sum with many steps gives the same scores.
            using var ids = tensor(examples.Single(x => x.Index == e.Index).Ids).unsqueeze(0);
            using var lengths = tensor(new long[] { e.Tokens.Count });
            using var target = tensor(new long[] { e.Predicted });
            Close(e.IntegratedGradients, Attributions.IntegratedGradients(predictor.Model, ids, lengths, target, 4096, output: AttributionOutput.Logit), 1e-3);
        }

        Assert.True(adaptive.Select(e => e.Steps).Distinct().Count() > 1, "every text took the same steps; the test shows nothing");
    }

    [Fact]
    public void Comprehensiveness_and_sufficiency_reread_the_text_without_and_with_only_the_top_tokens()
    {
        var predictor = Untrained("han");
        var examples = Data.Value.Test.Take(6).ToList();
        var original = predictor.PredictEach(examples);
        // A ranking that puts the last token first, then the one before it, and so on.
        var last = examples.Select(e => (IReadOnlyList<double>)Enumerable.Range(0, e.Ids.Length).Select(t => (double)t).ToArray()).ToList();

        var scores = Faithfulness.Measure(predictor, examples, original, new Dictionary<string, IReadOnlyList<IReadOnlyList<double>>> { ["last"] = last });

        for (var i = 0; i < examples.Count; i++)
        {
            var e = examples[i];
            var c = original[i].Predicted;
            var whole = original[i].Probabilities[c];
            for (var b = 0; b < Faithfulness.Bins.Count; b++)
            {
                // By hand: k = round(share × L), at least 1; comprehensiveness reads the text without its last k tokens
                // (keeping at least one), sufficiency reads only them.
                var k = Math.Max(1, (int)Math.Round(Faithfulness.Bins[b] * e.Ids.Length, MidpointRounding.AwayFromZero));
                var without = predictor.PredictEach([e with { Ids = e.Ids[..^Math.Min(k, e.Ids.Length - 1)] }])[0].Probabilities[c];
                var only = predictor.PredictEach([e with { Ids = e.Ids[^Math.Min(k, e.Ids.Length)..] }])[0].Probabilities[c];
                Assert.Equal(whole - without, scores[i]["last"].Comprehensiveness[b], 5);   // float32, batched differently
                Assert.Equal(whole - only, scores[i]["last"].Sufficiency[b], 5);
            }

            Assert.Equal(scores[i]["last"].Comprehensiveness.Average(), scores[i]["last"].ComprehensivenessAopc, 12);
            Assert.Equal(scores[i]["last"].Sufficiency.Average(), scores[i]["last"].SufficiencyAopc, 12);
        }

        Assert.Throws<ArgumentException>(() => Faithfulness.Measure(predictor, examples, original,
            new Dictionary<string, IReadOnlyList<IReadOnlyList<double>>> { ["short"] = last.Skip(1).ToList() }));
    }

    [Fact]
    public void Bins_are_the_nearest_whole_number_of_tokens_and_at_least_one()
    {
        Assert.Equal([1, 1, 2, 4, 10], Faithfulness.Bins.Select(b => Faithfulness.Tokens(b, 20)));
        Assert.Equal([1, 3, 6, 13, 32], Faithfulness.Bins.Select(b => Faithfulness.Tokens(b, 64)));
        Assert.Equal([1, 1, 1, 1, 2], Faithfulness.Bins.Select(b => Faithfulness.Tokens(b, 3)));
    }

    [Fact]
    public void Predicting_each_text_alone_is_the_models_forward_pass_on_that_text_alone()
    {
        var predictor = Untrained("dot-self-unmasked");
        var examples = Data.Value.Test.Take(10).Reverse().ToList();
        var each = predictor.PredictEach(examples);
        Assert.Equal(examples.Select(e => e.Index), each.Select(p => p.Index));
        Assert.Equal(examples.Select(e => (int?)e.Label), each.Select(p => p.Label));
        foreach (var (example, prediction) in examples.Zip(each))
        {
            Close(prediction.Probabilities.Select(p => (double)p).ToArray(), Alone(predictor, example).softmax(1).reshape(-1), 1e-6);
        }
    }

    /// <summary>The logits (1, K) of the model's own forward pass on the example with no other text beside it.</summary>
    private static Tensor Alone(Predictor predictor, EncodedExample example)
    {
        using var _ = no_grad();
        predictor.Model.eval();
        return predictor.Model.forward(tensor(example.Ids).unsqueeze(0), tensor(new long[] { example.Ids.Length })).Logits;
    }
}
