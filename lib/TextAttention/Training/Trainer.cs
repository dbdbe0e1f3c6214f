using System.Diagnostics;
using TextAttention.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace TextAttention.Training;

/// <summary>
/// Trains any module that maps a batch to logits with Adam and gradient clipping, evaluates it on
/// validation after every epoch through the function it is given, and leaves the module holding the
/// weights of the epoch with the best validation accuracy. It knows nothing of attention, of test data
/// or of how predictions are made. Each batch runs in a dispose scope, so native memory stays flat.
/// </summary>
public static class Trainer
{
    /// <param name="module">The model; its parameters are trained.</param>
    /// <param name="logits">The forward pass for one batch: (B, K) logits.</param>
    /// <param name="train">The training batches; shuffled with a seed derived from the options and the epoch.</param>
    /// <param name="validate">Evaluates the module on the validation split (called once per epoch).</param>
    /// <param name="onBatch">Hears of every finished batch.</param>
    /// <param name="onEpoch">Hears of every finished epoch.</param>
    public static TrainingHistory Fit(
        nn.Module module,
        Func<Batch, Tensor> logits,
        Batcher train,
        Func<Evaluation> validate,
        TrainingOptions options,
        Action<BatchProgress>? onBatch = null,
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
        var stoppedEarly = false;
        for (var epoch = 1; epoch <= options.Epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            module.train();
            double lossSum = 0;
            var done = 0;
            var skipped = 0;
            foreach (var batch in train.Batches(shuffle: true, seed: options.Seed * 1000 + epoch))
            {
                using var scope = NewDisposeScope();
                using (batch)
                {
                    optimizer.zero_grad();
                    var loss = nn.functional.cross_entropy(logits(batch), batch.Labels);
                    var value = loss.item<float>();
                    // A step with a non-finite loss or gradient would turn every weight into NaN: it is skipped and counted.
                    if (float.IsFinite(value))
                    {
                        loss.backward();
                        if (double.IsFinite(nn.utils.clip_grad_norm_(parameters, options.ClipNorm)))
                        {
                            optimizer.step();
                            lossSum += value;
                            done++;
                        }
                        else
                        {
                            skipped++;
                        }
                    }
                    else
                    {
                        skipped++;
                    }
                }

                onBatch?.Invoke(new BatchProgress(epoch, done + skipped, batches, lossSum / Math.Max(1, done), options.Epochs));
            }

            var evaluation = validate();
            var record = new EpochRecord(epoch, lossSum / Math.Max(1, done), evaluation.Loss, evaluation.Accuracy, evaluation.MacroF1, clock.Elapsed.TotalSeconds, skipped);
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
                stoppedEarly = epoch < options.Epochs;
                break;
            }
        }

        module.load_state_dict(best!);
        DisposeAll(best);
        return new TrainingHistory(history, bestEpoch, stoppedEarly);
    }

    private static void DisposeAll(Dictionary<string, Tensor>? tensors)
    {
        foreach (var tensor in tensors?.Values ?? Enumerable.Empty<Tensor>())
        {
            tensor.Dispose();
        }
    }
}
