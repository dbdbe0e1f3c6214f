using System.Diagnostics;
using TextAttention.Data;
using TextAttention.Models;
using TextAttention.Text;
using TextAttention.Training;
using static TorchSharp.torch;

namespace TextAttention.Experiments;

/// <summary>Sizes and training settings shared by every run of an experiment.</summary>
public sealed record RunSettings(
    int EmbeddingSize = 64,
    int HiddenSize = 64,
    int MaxLength = 64,
    int BatchSize = 64,
    double Dropout = 0.2,
    int MinFrequency = 2,
    int? MaxVocabulary = 30_000,
    int Heads = 4,
    TrainingOptions? Training = null)
{
    public TrainingOptions TrainingOrDefault => Training ?? new TrainingOptions();
}

/// <summary>A corpus tokenised, with its vocabulary and encoded splits: the part every pooling and seed shares.</summary>
public sealed record PreparedCorpus(
    Corpus Corpus,
    ITokenizer Tokenizer,
    Vocabulary Vocabulary,
    IReadOnlyList<EncodedExample> Train,
    IReadOnlyList<EncodedExample> Validation,
    IReadOnlyList<EncodedExample> Test,
    double TestOutOfVocabularyRate);

/// <summary>One trained model (null once released) with its history and the figures the experiments report.</summary>
/// <param name="EvidenceMass">
/// For a corpus with known evidence: the mean share of the pooling's weight that falls on the
/// evidence tokens of each test example; null otherwise.
/// </param>
public sealed record RunResult(
    string Dataset,
    string Pooling,
    int Seed,
    TrainingHistory History,
    BiLstmClassifier? Model,
    double RealTokenShare,
    double Seconds,
    double? EvidenceMass)
{
    public RunScore Score => new(Dataset, Pooling, Seed, History.Test.Accuracy, History.Test.MacroF1);

    /// <summary>This result without its model, whose native memory is released: for grids of many runs.</summary>
    public RunResult WithoutModel()
    {
        Model?.Dispose();
        return this with { Model = null };
    }
}

/// <summary>Prepares corpora and trains one BiLSTM classifier per (pooling, seed).</summary>
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
    /// Trains one model. The seed is set before the model is built, so it fixes the initial weights,
    /// the shuffling and the dropout masks: the same seed and threads give the same numbers.
    /// </summary>
    public static RunResult Run(PreparedCorpus data, string pooling, int seed, RunSettings settings, Action<Progress>? onBatch = null, Action<EpochRecord>? onEpoch = null)
    {
        var clock = Stopwatch.StartNew();
        manual_seed(seed);
        var config = new ClassifierConfig(data.Vocabulary.Count, data.Corpus.ClassNames.Count, settings.EmbeddingSize, settings.HiddenSize, pooling, settings.Dropout, settings.Heads);
        var model = new BiLstmClassifier(config);
        var batchOptions = new BatchOptions(settings.BatchSize, MaxLength: settings.MaxLength);
        var train = new Batcher(data.Train, batchOptions);
        var validation = new Batcher(data.Validation, batchOptions);
        var test = new Batcher(data.Test, batchOptions);
        var history = Trainer.Fit(model, b => model.forward(b.Ids, b.Lengths).Logits, train, validation, test,
            config.Classes, settings.TrainingOrDefault with { Seed = seed }, onBatch, onEpoch);
        var evidence = data.Corpus.Test.Any(e => e.Evidence is not null) ? EvidenceMass(model, data, test) : (double?)null;
        return new RunResult(data.Corpus.Name, pooling, seed, history, model, train.RealTokenShare, clock.Elapsed.TotalSeconds, evidence);
    }

    /// <summary>
    /// The mean, over test examples, of the share of the pooling's weights that falls on the
    /// example's evidence positions (weights normalised to sum to 1 first).
    /// </summary>
    public static double EvidenceMass(BiLstmClassifier model, PreparedCorpus data, Batcher test)
    {
        model.eval();
        double total = 0;
        var count = 0;
        using (no_grad())
        {
            foreach (var batch in test.Batches(shuffle: false))
            {
                using var scope = NewDisposeScope();
                using (batch)
                {
                    var weights = model.forward(batch.Ids, batch.Lengths).Pooling.Weights;               // (B, T)
                    var normalised = weights / weights.sum(1, keepdim: true).clamp_min(1e-12);          // (B, T)
                    var values = normalised.to_type(ScalarType.Float64).data<double>().ToArray();
                    var T = (int)weights.shape[1];
                    for (var b = 0; b < batch.Indices.Length; b++)
                    {
                        var evidence = data.Corpus.Test[batch.Indices[b]].Evidence ?? [];
                        total += evidence.Where(p => p < T).Sum(p => values[b * T + p]);
                        count++;
                    }
                }
            }
        }

        return count == 0 ? 0 : total / count;
    }
}
