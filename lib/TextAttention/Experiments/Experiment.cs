using System.Diagnostics;
using TextAttention.Data;
using TextAttention.Models;
using TextAttention.Text;
using TextAttention.Training;
using static TorchSharp.torch;

namespace TextAttention.Experiments;

/// <summary>Prepares corpora and trains one BiLSTM classifier per run; <see cref="GridRunner"/> and <see cref="ComparisonStudy"/> loop over them.</summary>
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

    /// <summary>The run of <paramref name="pooling"/> with <paramref name="seed"/> and <paramref name="settings"/> on <paramref name="data"/>.</summary>
    public static RunSpec Spec(PreparedCorpus data, string pooling, int seed, RunSettings settings) =>
        new(data.Corpus.Name, data.Corpus.Fingerprint, pooling, seed, settings);

    /// <inheritdoc cref="Run(PreparedCorpus, RunSpec, Action{BatchProgress}?, Action{EpochRecord}?)"/>
    public static RunResult Run(PreparedCorpus data, string pooling, int seed, RunSettings settings, Action<BatchProgress>? onBatch = null, Action<EpochRecord>? onEpoch = null) =>
        Run(data, Spec(data, pooling, seed, settings), onBatch, onEpoch);

    /// <summary>
    /// Trains one model, restores its best epoch and scores it on test in one pass (<see cref="Inference.Predictor.Score"/>):
    /// accuracy, macro-F1, per-item correctness, the evidence mass when the corpus marks evidence, and the matrix
    /// statistics of a <c>dot-self</c> pooling. The seed is set before the model is built, so it fixes the initial
    /// weights, the shuffling and the dropout masks: the same spec and threads give the same numbers.
    /// </summary>
    /// <exception cref="ArgumentException">The spec names other data than <paramref name="data"/>.</exception>
    public static RunResult Run(PreparedCorpus data, RunSpec spec, Action<BatchProgress>? onBatch = null, Action<EpochRecord>? onEpoch = null)
    {
        if (spec.Data != data.Corpus.Fingerprint || spec.Corpus != data.Corpus.Name)
        {
            throw new ArgumentException($"{spec} is a run on data {spec.Data}, not on {data.Corpus.Name} ({data.Corpus.Fingerprint}).", nameof(spec));
        }

        var clock = Stopwatch.StartNew();
        var settings = spec.Settings;
        manual_seed(spec.Seed);
        var model = new BiLstmClassifier(Config(data, spec.Pooling, settings));
        var train = new Batcher(data.Train, settings.Batching);
        var predictor = data.Predictor(model, settings);
        var history = Trainer.Fit(model, b => model.Logits(b.Ids, b.Lengths), train, () => predictor.Evaluate(data.Validation),
            settings.TrainingOrDefault with { Seed = spec.Seed }, onBatch, onEpoch);
        var evidence = data.Corpus.Test.Any(e => e.Evidence is not null) ? data.Corpus.Test.Select(e => e.Evidence).ToList() : null;
        var test = predictor.Score(data.Test, evidence, matrixStatistics: spec.Pooling.StartsWith("dot-self", StringComparison.Ordinal));
        return new RunResult(spec, history, test.Evaluation, model, train.RealTokenShare, clock.Elapsed.TotalSeconds)
        {
            EvidenceMass = test.EvidenceMass,
            Attention = test.Attention,
            TestCorrect = test.Correct,
        };
    }

    /// <summary>The classifier a run on <paramref name="data"/> builds: the corpus's vocabulary and classes, the settings' sizes.</summary>
    public static ClassifierConfig Config(PreparedCorpus data, string pooling, RunSettings settings) =>
        new(data.Vocabulary.Count, data.Corpus.ClassNames.Count, settings.EmbeddingSize, settings.HiddenSize, pooling, settings.Dropout, settings.Heads);
}
