using TextAttention.Attention;
using TextAttention.Models;
using TextAttention.Text;
using TextAttention.Training;
using static TorchSharp.torch;

namespace TextAttention.Inference;

/// <summary>
/// The one inference path: a trained classifier with its tokenizer, vocabulary and class names, turned
/// into predictions for raw texts or encoded examples: tokens, class probabilities, the pooling's weights
/// and, for self-attention, the matrix A. Evaluation on a split, the evidence mass of the synthetic corpus,
/// <c>train --test-file</c>, <c>predict</c> and the notebooks all go through it.
/// Every pass runs in evaluation mode without gradients, one dispose scope per batch.
/// </summary>
public sealed class Predictor
{
    private readonly BatchOptions _batching;

    /// <param name="batching">How evaluation batches encoded examples; the training run's options keep its numbers exact.</param>
    public Predictor(BiLstmClassifier model, ITokenizer tokenizer, Vocabulary vocabulary, IReadOnlyList<string> classNames, BatchOptions batching)
    {
        if (classNames.Count != model.Config.Classes)
        {
            throw new ArgumentException($"the model has {model.Config.Classes} classes but {classNames.Count} class names were given.", nameof(classNames));
        }

        if (vocabulary.Count != model.Config.VocabularySize)
        {
            throw new ArgumentException($"the model was built for a vocabulary of {model.Config.VocabularySize} tokens, not {vocabulary.Count}.", nameof(vocabulary));
        }

        Model = model;
        Tokenizer = tokenizer;
        Vocabulary = vocabulary;
        ClassNames = classNames;
        _batching = batching;
    }

    public BiLstmClassifier Model { get; }

    public ITokenizer Tokenizer { get; }

    public Vocabulary Vocabulary { get; }

    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Texts longer than this many tokens are cut.</summary>
    public int MaxLength => _batching.MaxLength;

    /// <summary>Loads a checkpoint written by <see cref="Checkpoint.Save"/> (for example by <c>train --save</c>).</summary>
    /// <exception cref="FileNotFoundException">The folder is not a checkpoint.</exception>
    /// <exception cref="InvalidDataException">A file of the checkpoint is damaged; the message names it.</exception>
    public static Predictor FromCheckpoint(string folder)
    {
        var (model, vocabulary, manifest) = Checkpoint.Load(folder);
        return new Predictor(model, Tokenizers.Create(manifest.Tokenizer), vocabulary, manifest.ClassNames, new BatchOptions(MaxLength: manifest.MaxLength));
    }

    /// <summary>Saves the model with everything <see cref="FromCheckpoint"/> needs to rebuild this predictor.</summary>
    public void Save(string folder) =>
        Checkpoint.Save(folder, Model, Vocabulary, new Checkpoint.Manifest(Model.Config, Tokenizer.Name, ClassNames, MaxLength));

    /// <summary>One text.</summary>
    /// <exception cref="ArgumentException">The text is empty or white space.</exception>
    public Prediction Predict(string text) => Predict([text])[0];

    /// <summary>
    /// Raw texts, each as if it were alone: texts are batched only with texts of the same length, so no
    /// pooling, masked or not, ever sees padding. Results come back in the order given.
    /// </summary>
    /// <exception cref="ArgumentException">A text is empty or white space; the message gives its position.</exception>
    public IReadOnlyList<Prediction> Predict(IEnumerable<string> texts)
    {
        var tokenised = texts.Select((text, i) =>
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                throw new ArgumentException($"text {i + 1} is empty; give a sentence to classify.", nameof(texts));
            }

            var tokens = Tokenizer.Tokenize(text);
            return tokens.Count == 0 ? [Vocabulary.Unknown] : tokens.Take(MaxLength).ToList();
        }).ToList();
        var encoded = tokenised.Select((tokens, i) => new EncodedExample(Vocabulary.Encode(tokens), Label: 0, Index: i)).ToList();
        return Alone(encoded, withMatrix: true, e => tokenised[e.Index], label: false);
    }

    /// <summary>
    /// Encoded examples, each as if it were alone (batched only with examples of the same length, so no pooling
    /// sees padding), with their labels: the path of notebook 07, whose attributions and erasures read texts one by
    /// one. Results come back in the order given; <see cref="Prediction.Index"/> is each example's own index.
    /// </summary>
    public IReadOnlyList<Prediction> PredictEach(IReadOnlyList<EncodedExample> examples, bool withMatrix = false)
    {
        var positions = examples.Select((e, i) => e with { Index = i }).ToList();
        return Alone(positions, withMatrix, e => e.Ids.Select(id => Vocabulary.Tokens[(int)id]).ToList(), label: true)
            .Select((p, i) => p with { Index = examples[i].Index }).ToList();
    }

    private Prediction[] Alone(IReadOnlyList<EncodedExample> positions, bool withMatrix, Func<EncodedExample, IReadOnlyList<string>> tokensOf, bool label)
    {
        var results = new Prediction[positions.Count];
        foreach (var sameLength in positions.GroupBy(e => e.Ids.Length))
        {
            foreach (var prediction in Run(sameLength.ToList(), withMatrix, (e, _) => tokensOf(e), label))
            {
                results[prediction.Index] = prediction;
            }
        }

        return results;
    }

    /// <summary>
    /// Encoded examples of a split, batched by the options given to the constructor (a training
    /// run's, so the numbers match its evaluation), with their labels. Results come back in the order given; <see cref="Prediction.Index"/> is
    /// each example's index in its split.
    /// </summary>
    public IReadOnlyList<Prediction> Predict(IReadOnlyList<EncodedExample> examples, bool withMatrix = false)
    {
        var positions = examples.Select((e, i) => e with { Index = i }).ToList();
        var results = new Prediction[examples.Count];
        foreach (var prediction in Run(positions, withMatrix, (e, length) => e.Ids.Take(length).Select(id => Vocabulary.Tokens[(int)id]).ToList(), label: true))
        {
            results[prediction.Index] = prediction with { Index = examples[prediction.Index].Index };
        }

        return results;
    }

    /// <summary>Accuracy, macro-F1 and mean cross-entropy on labelled examples, batched like training.</summary>
    public Evaluation Evaluate(IReadOnlyList<EncodedExample> examples) => Score(examples).Evaluation;

    /// <summary>
    /// Everything a finished run reports about a labelled split, from one pass over it, batched like training (so the
    /// numbers match the run's own evaluation): accuracy, macro-F1, loss and the predicted class of every item; with
    /// <paramref name="evidence"/> (one list of token positions, or null, per example), the mean share of the pooling's
    /// normalised weight on them; with <paramref name="matrixStatistics"/>, <see cref="AttentionStatistics"/> of a
    /// self-attention pooling's matrices over the whole split. Sums run in split order, whatever the batches.
    /// </summary>
    public TestPass Score(IReadOnlyList<EncodedExample> examples, IReadOnlyList<IReadOnlyList<int>?>? evidence = null, bool matrixStatistics = false)
    {
        if (evidence is not null && evidence.Count != examples.Count)
        {
            throw new ArgumentException($"{evidence.Count} evidence lists for {examples.Count} examples.", nameof(evidence));
        }

        var classes = ClassNames.Count;
        var confusion = new long[classes, classes];
        var predictedAt = new int[examples.Count];
        var evidenceAt = evidence is null ? null : new double[examples.Count];
        var matrixAt = matrixStatistics ? new (double, double, double, double)?[examples.Count] : null;
        var positions = examples.Select((e, i) => e with { Index = i }).ToList();
        double lossSum = 0;
        long count = 0;
        foreach (var (loss, actual, predicted, indices) in Batches(positions, (batch, output) =>
                 {
                     var B = batch.Size;
                     var T = (int)batch.Ids.shape[1];
                     var lengths = evidenceAt is null && matrixAt is null ? null : batch.Lengths.data<long>().ToArray();   // (B)
                     if (evidenceAt is not null)
                     {
                         var weights = output.Pooling.Weights.data<float>().ToArray();                                     // (B, T)
                         var sums = output.Pooling.Weights.sum(1).data<float>().ToArray();                                // (B)
                         for (var b = 0; b < B; b++)
                         {
                             var at = batch.Indices[b];
                             var L = (int)lengths![b];
                             var total = MathF.Max(sums[b], 1e-12f);
                             evidenceAt[at] = (evidence![at] ?? []).Where(p => p < L).Sum(p => (double)(weights[(b * T) + p] / total));
                         }
                     }

                     if (matrixAt is not null && output.Pooling.Matrix is { } m)
                     {
                         var matrix = m.data<float>().ToArray();                                                           // (B, T, T)
                         for (var b = 0; b < B; b++)
                         {
                             var L = (int)lengths![b];
                             var a = new float[L, L];
                             for (var i = 0; i < L; i++)
                             {
                                 for (var j = 0; j < L; j++)
                                 {
                                     a[i, j] = matrix[((b * T) + i) * T + j];
                                 }
                             }

                             matrixAt[batch.Indices[b]] = AttentionStatistics.OfText(a);
                         }
                     }

                     return (nn.functional.cross_entropy(output.Logits, batch.Labels, reduction: nn.Reduction.Sum).item<float>(),
                         batch.Labels.data<long>().ToArray(),
                         output.Logits.argmax(1).data<long>().ToArray(),
                         batch.Indices);
                 }))
        {
            lossSum += loss;
            for (var i = 0; i < actual.Length; i++)
            {
                confusion[actual[i], predicted[i]]++;
                predictedAt[indices[i]] = (int)predicted[i];
            }

            count += actual.Length;
        }

        var correct = string.Concat(examples.Select((e, i) => predictedAt[i] == e.Label ? '1' : '0'));
        return new TestPass(
            new Evaluation(confusion, count == 0 ? 0 : lossSum / count) { Predicted = predictedAt },
            correct,
            evidenceAt is null ? null : examples.Count == 0 ? 0 : SumInOrder(evidenceAt) / examples.Count,
            matrixAt is null ? null : AttentionStatistics.Mean(matrixAt));
    }

    private static double SumInOrder(double[] values)
    {
        double total = 0;
        foreach (var value in values)
        {
            total += value;
        }

        return total;
    }

    private IEnumerable<Prediction> Run(IReadOnlyList<EncodedExample> examples, bool withMatrix, Func<EncodedExample, int, IReadOnlyList<string>> tokensOf, bool label)
    {
        var byIndex = examples.ToDictionary(e => e.Index);
        return Batches(examples, (batch, output) =>
        {
            var B = batch.Size;
            var T = (int)batch.Ids.shape[1];
            var K = ClassNames.Count;
            var probabilities = output.Logits.softmax(1).data<float>().ToArray();                  // (B, K)
            var weights = output.Pooling.Weights.data<float>().ToArray();                           // (B, T)
            var sums = output.Pooling.Weights.sum(1).data<float>().ToArray();                      // (B)
            var lengths = batch.Lengths.data<long>().ToArray();                                     // (B)
            var norms = output.Pooling.Context.norm(1).data<float>().ToArray();                    // (B)
            var matrix = withMatrix ? output.Pooling.Matrix?.data<float>().ToArray() : null;       // (B, T, T)
            var items = new List<Prediction>(B);
            for (var b = 0; b < B; b++)
            {
                var example = byIndex[batch.Indices[b]];
                var L = (int)lengths[b];
                var p = probabilities.AsSpan(b * K, K).ToArray();
                var predicted = Array.IndexOf(p, p.Max());
                float[,]? a = null;
                if (matrix is not null)
                {
                    a = new float[L, L];
                    for (var i = 0; i < L; i++)
                    {
                        for (var j = 0; j < L; j++)
                        {
                            a[i, j] = matrix[((b * T) + i) * T + j];
                        }
                    }
                }

                items.Add(new Prediction(tokensOf(example, L), predicted, ClassNames[predicted], p, weights.AsSpan(b * T, L).ToArray(), sums[b], a, norms[b],
                    label ? (int)example.Label : null, batch.Indices[b]));
            }

            return items;
        }).SelectMany(items => items);
    }

    /// <summary>The one loop over batches: evaluation mode, no gradients, a dispose scope per batch.</summary>
    private IEnumerable<T> Batches<T>(IReadOnlyList<EncodedExample> examples, Func<Batch, ClassifierOutput, T> read)
    {
        Model.eval();
        foreach (var batch in new Batcher(examples, _batching).Batches(shuffle: false))
        {
            T result;
            using (no_grad())
            using (NewDisposeScope())
            using (batch)
            {
                result = read(batch, Model.forward(batch.Ids, batch.Lengths));
            }

            yield return result;
        }
    }
}
