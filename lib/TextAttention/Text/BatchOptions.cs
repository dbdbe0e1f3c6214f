namespace TextAttention.Text;

/// <summary>How <see cref="Batcher"/> groups examples.</summary>
/// <param name="BatchSize">Examples per batch (the last one may be smaller).</param>
/// <param name="Bucketing">
/// Sort by length within shuffled pools of <paramref name="PoolBatches"/> batches, so each batch holds
/// similar lengths and little padding; false pads every batch to <paramref name="MaxLength"/>, as a
/// naive loader does (kept for the benchmark that measures the difference).
/// </param>
/// <param name="MaxLength">Longer sequences are truncated to this many tokens.</param>
public sealed record BatchOptions(int BatchSize = 64, bool Bucketing = true, int PoolBatches = 50, int MaxLength = 64);
