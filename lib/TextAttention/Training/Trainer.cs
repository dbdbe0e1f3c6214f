using System.Diagnostics;
using TextAttention.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace TextAttention.Training;

/// <summary>How to train.</summary>
/// <param name="Epochs">Passes over the training split.</param>
/// <param name="LearningRate">Adam's step size.</param>
/// <param name="ClipNorm">Gradients are rescaled to at most this global norm.</param>
/// <param name="Seed">Seeds initialisation (before the model is built), shuffling and dropout.</param>
/// <param name="Patience">Stop after this many epochs without a better validation accuracy; null never stops early.</param>
public sealed record TrainingOptions(int Epochs = 5, double LearningRate = 2e-3, double ClipNorm = 5.0, int Seed = 2016, int? Patience = null);

/// <summary>One epoch's figures.</summary>
public sealed record EpochRecord(int Epoch, double TrainLoss, double ValidationLoss, double ValidationAccuracy, double ValidationMacroF1, double Seconds);

/// <summary>A finished training run: per-epoch history, the best epoch by validation accuracy, and that checkpoint's test evaluation.</summary>
public sealed record TrainingHistory(IReadOnlyList<EpochRecord> Epochs, int BestEpoch, Evaluation Test);

/// <summary>Progress that a notebook or the command line can show.</summary>
/// <param name="Epoch">1-based.</param>
/// <param name="Batch">Batches done in this epoch.</param>
/// <param name="Batches">Batches in an epoch.</param>
/// <param name="Loss">Mean training loss so far in this epoch.</param>
public sealed record Progress(int Epoch, int Batch, int Batches, double Loss);

/// <summary>
/// Trains any module that maps a batch's ids and lengths to logits with Adam and gradient clipping,
/// keeps the weights of the epoch with the best validation accuracy, and evaluates them on test.
/// It knows nothing of attention. Each batch runs in a dispose scope, so native memory stays flat.
/// </summary>
public static class Trainer
{
    public static TrainingHistory Fit(
        nn.Module module,
        Func<Batch, Tensor> logits,
        Batcher train,
        Batcher validation,
        Batcher test,
        int classes,
        TrainingOptions options,
        Action<Progress>? onBatch = null,
        Action<EpochRecord>? onEpoch = null)
    {
        if (options.Epochs < 1 || options.LearningRate <= 0 || options.ClipNorm <= 0 || options.Patience is < 1)
        {
            throw new ArgumentException($"epochs and patience must be at least 1, learning rate and clip norm positive; got {options}.", nameof(options));
        }

        var parameters = module.parameters().ToList();
        using var optimizer = optim.Adam(parameters, options.LearningRate);
        var batches = train.BatchCount;
        var history = new List<EpochRecord>();
        Dictionary<string, Tensor>? best = null;
        var bestEpoch = 0;
        var bestAccuracy = double.NegativeInfinity;
        for (var epoch = 1; epoch <= options.Epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            module.train();
            double lossSum = 0;
            var done = 0;
            foreach (var batch in train.Batches(shuffle: true, seed: options.Seed * 1000 + epoch))
            {
                using var scope = NewDisposeScope();
                using (batch)
                {
                    optimizer.zero_grad();
                    var loss = nn.functional.cross_entropy(logits(batch), batch.Labels);
                    loss.backward();
                    nn.utils.clip_grad_norm_(parameters, options.ClipNorm);
                    optimizer.step();
                    lossSum += loss.item<float>();
                }

                done++;
                onBatch?.Invoke(new Progress(epoch, done, batches, lossSum / done));
            }

            var evaluation = Evaluate(module, logits, validation, classes);
            var record = new EpochRecord(epoch, lossSum / Math.Max(1, done), evaluation.Loss, evaluation.Accuracy, evaluation.MacroF1, clock.Elapsed.TotalSeconds);
            history.Add(record);
            onEpoch?.Invoke(record);
            if (record.ValidationAccuracy > bestAccuracy)
            {
                bestAccuracy = record.ValidationAccuracy;
                bestEpoch = epoch;
                DisposeAll(best);
                best = module.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().clone());
            }
            else if (options.Patience is { } patience && epoch - bestEpoch >= patience)
            {
                break;
            }
        }

        module.load_state_dict(best!);
        DisposeAll(best);
        return new TrainingHistory(history, bestEpoch, Evaluate(module, logits, test, classes));
    }

    /// <summary>Predictions on a split in its own order, without gradients or dropout.</summary>
    public static Evaluation Evaluate(nn.Module module, Func<Batch, Tensor> logits, Batcher data, int classes)
    {
        module.eval();
        var confusion = new long[classes, classes];
        double lossSum = 0;
        long count = 0;
        using (no_grad())
        {
            foreach (var batch in data.Batches(shuffle: false))
            {
                using var scope = NewDisposeScope();
                using (batch)
                {
                    var output = logits(batch);
                    lossSum += nn.functional.cross_entropy(output, batch.Labels, reduction: nn.Reduction.Sum).item<float>();
                    var predicted = output.argmax(1).data<long>().ToArray();
                    var actual = batch.Labels.data<long>().ToArray();
                    for (var i = 0; i < actual.Length; i++)
                    {
                        confusion[actual[i], predicted[i]]++;
                    }

                    count += actual.Length;
                }
            }
        }

        return new Evaluation(confusion, count == 0 ? 0 : lossSum / count);
    }

    private static void DisposeAll(Dictionary<string, Tensor>? tensors)
    {
        foreach (var tensor in tensors?.Values ?? Enumerable.Empty<Tensor>())
        {
            tensor.Dispose();
        }
    }
}
