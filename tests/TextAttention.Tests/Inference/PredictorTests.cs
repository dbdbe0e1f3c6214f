using TextAttention.Data;
using TextAttention.Experiments;
using TextAttention.Inference;
using TextAttention.Models;
using TextAttention.Text;
using TextAttention.Training;
using static TorchSharp.torch;

namespace TextAttention.Tests.Inference;

/// <summary>The one inference path, checked against the model's own forward pass and against counting by hand.</summary>
[Collection("training")]
public sealed class PredictorTests
{
    private static readonly RunSettings Tiny = new(EmbeddingSize: 8, HiddenSize: 8, MaxLength: 24, BatchSize: 16, Training: new TrainingOptions(Epochs: 1));

    private static readonly Lazy<PreparedCorpus> Data = new(() =>
        Experiment.Prepare(SyntheticCorpus.Generate(new SyntheticOptions(Train: 200, Validation: 40, Test: 40, MinLength: 6, MaxLength: 20, Seed: 5)), Tiny));

    private static Predictor Untrained(string pooling, int seed = 3)
    {
        manual_seed(seed);
        var model = new BiLstmClassifier(new ClassifierConfig(Data.Value.Vocabulary.Count, Data.Value.Corpus.ClassNames.Count, 8, 8, pooling));
        return Data.Value.Predictor(model, Tiny);
    }

    [Theory]
    [InlineData("han-unmasked")]
    [InlineData("dot-self-unmasked")]
    [InlineData("mean")]
    public void A_text_gets_the_probabilities_and_weights_of_the_models_own_forward_pass_on_it_alone(string pooling)
    {
        var predictor = Untrained(pooling);
        var text = Data.Value.Corpus.Test[0].Text;

        var prediction = predictor.Predict(text);

        var tokens = predictor.Tokenizer.Tokenize(text).Take(Tiny.MaxLength).ToList();
        using var ids = tensor(predictor.Vocabulary.Encode(tokens)).unsqueeze(0);          // (1, L)
        using var lengths = tensor(new long[] { tokens.Count });                             // (1)
        predictor.Model.eval();
        using var noGrad = no_grad();
        var output = predictor.Model.forward(ids, lengths);
        Assert.Equal(tokens, prediction.Tokens);
        Assert.Equal(output.Logits.softmax(1)[0].data<float>().ToArray(), prediction.Probabilities);
        Assert.Equal(output.Pooling.Weights[0].data<float>().ToArray(), prediction.Weights);
        Assert.Equal((int)output.Logits.argmax(1).item<long>(), prediction.Predicted);
        Assert.Equal(predictor.ClassNames[prediction.Predicted], prediction.PredictedName);
    }

    [Fact]
    public void A_texts_prediction_does_not_depend_on_the_texts_beside_it()
    {
        // attention_1 without a mask reads padding, so a text batched with longer ones would change; the predictor never pads.
        var predictor = Untrained("dot-self-unmasked");
        var texts = Data.Value.Corpus.Test.Take(12).Select(e => e.Text).ToList();

        var together = predictor.Predict(texts);

        for (var i = 0; i < texts.Count; i++)
        {
            var alone = predictor.Predict(texts[i]);
            Assert.Equal(i, together[i].Index);
            Assert.Equal(alone.Probabilities, together[i].Probabilities, (a, b) => Math.Abs(a - b) < 1e-6);
            Assert.Equal(alone.Weights, together[i].Weights, (a, b) => Math.Abs(a - b) < 1e-5);
        }
    }

    [Fact]
    public void Self_attention_returns_its_matrix_whose_rows_sum_to_one_and_whose_columns_sum_to_the_weights()
    {
        var prediction = Untrained("dot-self-unmasked").Predict(Data.Value.Corpus.Test[1].Text);

        var A = prediction.Matrix!;
        var L = prediction.Tokens.Count;
        Assert.Equal(L, A.GetLength(0));
        for (var i = 0; i < L; i++)
        {
            Assert.Equal(1.0, Enumerable.Range(0, L).Sum(j => A[i, j]), 5);
        }

        for (var j = 0; j < L; j++)
        {
            Assert.Equal(prediction.Weights[j], Enumerable.Range(0, L).Sum(i => A[i, j]), 4);
        }

        Assert.Null(Untrained("han").Predict(Data.Value.Corpus.Test[1].Text).Matrix);
    }

    [Fact]
    public void Evaluation_agrees_with_counting_the_predictions_by_hand()
    {
        var predictor = Untrained("han", seed: 8);
        var examples = Data.Value.Test;

        var evaluation = predictor.Evaluate(examples);
        var predictions = predictor.Predict(examples);

        Assert.Equal(examples.Select(e => e.Index), predictions.Select(p => p.Index));
        Assert.Equal(predictions.Count(p => p.Predicted == p.Label) / (double)examples.Count, evaluation.Accuracy, 12);
        var loss = predictions.Average(p => -Math.Log(p.Probabilities[p.Label!.Value]));
        Assert.Equal(loss, evaluation.Loss, 4);
        Assert.Equal(predictions.Select(p => p.Predicted), evaluation.Predicted!);   // per item, in split order
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void An_empty_text_is_refused_with_its_position(string empty)
    {
        var error = Assert.Throws<ArgumentException>(() => Untrained("mean").Predict(["a first text", empty]));

        Assert.Contains("text 2 is empty", error.Message);
    }

    [Fact]
    public void A_saved_predictor_loads_back_to_the_same_predictions()
    {
        var predictor = Untrained("mhsa");
        var folder = Path.Combine(Directory.CreateTempSubdirectory("textattention-predictor-").FullName, "model");
        var texts = Data.Value.Corpus.Test.Take(5).Select(e => e.Text).ToList();

        predictor.Save(folder);
        var loaded = Predictor.FromCheckpoint(folder);

        Assert.Equal(predictor.ClassNames, loaded.ClassNames);
        Assert.Equal(predictor.MaxLength, loaded.MaxLength);
        foreach (var (before, after) in predictor.Predict(texts).Zip(loaded.Predict(texts)))
        {
            Assert.Equal(before.Probabilities, after.Probabilities);
            Assert.Equal(before.Weights, after.Weights);
        }
    }
}
