using System.Diagnostics;
using TextAttention.Attention;
using TextAttention.Data;
using TextAttention.Inference;
using TextAttention.Models;
using TextAttention.Text;
using TextAttention.Training;
using static TorchSharp.torch;

namespace TextAttention.Experiments;

/// <summary>Prepares corpora and trains one BiLSTM classifier per (pooling, seed); <see cref="ExperimentGrid"/> loops over them.</summary>
public static class Experiment
{
    public static PreparedCorpus Prepare(Corpus corpus, RunSettings settings)
    {
        var tokenizer = Tokenizers.Create(corpus.TokenizerName);
        var trainTokens = corpus.Train.Select(e => tokenizer.Tokenize(e.Text)).ToList();
        var vocabulary = Vocabulary.Build(trainTokens, settings.MinFrequency, settings.MaxVocabulary);
        List<EncodedExample> Encode(IReadOnlyList<Example> split) =>
            Batcher.Encode(split.Select(e => (e.Text, e.Label)), tokenizer, vocabulary, settings.MaxLength);
        var testTokens = corpus.Test.Select(e => tokenizer.Tokenize(e.Text)).ToList();
        return new PreparedCorpus(corpus, tokenizer, vocabulary, Encode(corpus.Train), Encode(corpus.Validation), Encode(corpus.Test),
            vocabulary.OutOfVocabularyRate(testTokens));
    }

    /// <summary>
    /// Trains one model, restores its best epoch and scores it on test. The seed is set before the model
    /// is built, so it fixes the initial weights, the shuffling and the dropout masks: the same seed and
    /// threads give the same numbers.
    /// </summary>
    public static RunResult Run(PreparedCorpus data, string pooling, int seed, RunSettings settings, Action<BatchProgress>? onBatch = null, Action<EpochRecord>? onEpoch = null)
    {
        var clock = Stopwatch.StartNew();
        manual_seed(seed);
        var model = new BiLstmClassifier(Config(data, pooling, settings));
        var train = new Batcher(data.Train, settings.Batching);
        var predictor = data.Predictor(model, settings);
        var history = Trainer.Fit(model, b => model.forward(b.Ids, b.Lengths).Logits, train, () => predictor.Evaluate(data.Validation),
            settings.TrainingOrDefault with { Seed = seed }, onBatch, onEpoch);
        var test = predictor.Evaluate(data.Test);
        var evidence = data.Corpus.Test.Any(e => e.Evidence is not null) ? EvidenceMass(predictor.Predict(data.Test), data.Corpus.Test) : (double?)null;
        var correct = string.Concat(data.Test.Select((e, i) => test.Predicted![i] == e.Label ? '1' : '0'));
        return new RunResult(data.Corpus.Name, data.Corpus.Fingerprint, pooling, seed, history, test, model, train.RealTokenShare, clock.Elapsed.TotalSeconds, evidence)
        {
            LearningRate = settings.TrainingOrDefault.LearningRate,
            Attention = pooling.StartsWith("dot-self", StringComparison.Ordinal) ? MatrixStatistics(predictor, data.Test) : null,
            TestCorrect = correct,
        };
    }

    /// <summary>The classifier a run on <paramref name="data"/> builds: the corpus's vocabulary and classes, the settings' sizes.</summary>
    public static ClassifierConfig Config(PreparedCorpus data, string pooling, RunSettings settings) =>
        new(data.Vocabulary.Count, data.Corpus.ClassNames.Count, settings.EmbeddingSize, settings.HiddenSize, pooling, settings.Dropout, settings.Heads);

    /// <summary>How many test texts the matrix statistics read (the first ones of the split).</summary>
    public const int MatrixStatisticsTexts = 1_000;

    /// <summary><see cref="AttentionStatistics"/> of a self-attention model on the first <see cref="MatrixStatisticsTexts"/> texts of <paramref name="split"/>.</summary>
    public static AttentionStatistics MatrixStatistics(Predictor predictor, IReadOnlyList<EncodedExample> split) =>
        AttentionStatistics.Of(predictor.Predict(split.Take(MatrixStatisticsTexts).ToList(), withMatrix: true).Select(p => p.Matrix!));

    /// <summary>
    /// The mean, over predictions, of the share of the pooling's weight that falls on the example's evidence
    /// positions (<see cref="Prediction.NormalisedWeights"/>). <paramref name="split"/> holds the examples the
    /// predictions' indices point into.
    /// </summary>
    public static double EvidenceMass(IReadOnlyList<Prediction> predictions, IReadOnlyList<Example> split)
    {
        double total = 0;
        foreach (var prediction in predictions)
        {
            var weights = prediction.NormalisedWeights;
            total += (split[prediction.Index].Evidence ?? []).Where(p => p < weights.Count).Sum(p => weights[p]);
        }

        return predictions.Count == 0 ? 0 : total / predictions.Count;
    }
}
