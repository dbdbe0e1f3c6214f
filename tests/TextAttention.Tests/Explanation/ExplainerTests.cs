using TextAttention.Data;
using TextAttention.Experiments;
using TextAttention.Explanation;
using TextAttention.Inference;
using TextAttention.Models;
using TextAttention.Text;
using static TextAttention.Tests.Attention.Tensors;
using static TorchSharp.torch;

namespace TextAttention.Tests.Explanation;

/// <summary>The per-text explanations and erasures of notebook 07 against the tensor-level methods and the predictor.</summary>
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
        var explanations = Explainer.Explain(predictor, examples, steps: 64, batchSize: 4);

        Assert.Equal(examples.Select(e => e.Index), explanations.Select(e => e.Index));
        foreach (var (example, explanation) in examples.Zip(explanations))
        {
            Assert.Equal(Alone(predictor, example).argmax(1).item<long>(), explanation.Predicted);
            Assert.Equal(example.Ids.Length, explanation.Tokens.Count);
            Assert.Equal(1.0, explanation.Attention.Sum(), 5);
            Assert.True(Math.Abs(explanation.CompletenessGap) < 1e-4, $"text {example.Index}: completeness gap {explanation.CompletenessGap}");

            using var ids = tensor(example.Ids).unsqueeze(0);
            using var lengths = tensor(new long[] { example.Ids.Length });
            using var target = tensor(new long[] { explanation.Predicted });
            Close(explanation.LeaveOneOut, Attributions.LeaveOneOut(predictor.Model, ids, lengths, target), 1e-6);
            Close(explanation.GradientTimesInput, Attributions.GradientTimesInput(predictor.Model, ids, lengths, target), 1e-6);
        }
    }

    [Fact]
    public void Erasing_nothing_changes_nothing_and_erasing_the_top_token_rereads_the_text_without_it()
    {
        var predictor = Untrained("han");
        var examples = Data.Value.Test;
        var original = predictor.PredictEach(examples);
        var accuracy = original.Count(p => p.Predicted == p.Label) / (double)examples.Count;

        var none = Erasure.Run(predictor, examples, examples.Select(e => (IReadOnlyList<double>)new double[e.Ids.Length]).ToList(), original, 0, "nothing");
        Assert.Equal(accuracy, none.Accuracy);
        Assert.Equal(0.0, none.FlipRate);

        // Scores that rank the last token first: erasing k = 1 is reading each text without its last token.
        var last = examples.Select(e => (IReadOnlyList<double>)Enumerable.Range(0, e.Ids.Length).Select(t => (double)t).ToArray()).ToList();
        var erased = Erasure.Run(predictor, examples, last, original, 1, "last");
        var shortened = predictor.PredictEach(examples.Select(e => e with { Ids = e.Ids[..^1] }).ToList());
        Assert.Equal(shortened.Count(p => p.Predicted == p.Label) / (double)examples.Count, erased.Accuracy);
        Assert.Equal(shortened.Where((p, i) => p.Predicted != original[i].Predicted).Count() / (double)examples.Count, erased.FlipRate);
        Assert.Throws<ArgumentException>(() => Erasure.Run(predictor, examples, last.Skip(1).ToList(), original, 1, "short"));

        // All at once gives the same figures as one by one.
        var first = examples.Select(e => (IReadOnlyList<double>)Enumerable.Range(0, e.Ids.Length).Select(t => (double)-t).ToArray()).ToList();
        var curves = Erasure.Curves(predictor, examples, new Dictionary<string, IReadOnlyList<IReadOnlyList<double>>> { ["last"] = last, ["first"] = first }, original, [0, 1, 3]);
        var single = new[] { ("last", last), ("first", first) }.SelectMany(r => new[] { 0, 1, 3 }.Select(k => Erasure.Run(predictor, examples, r.Item2, original, k, r.Item1))).ToList();
        Assert.Equal(single, curves);
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
