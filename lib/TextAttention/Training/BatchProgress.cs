namespace TextAttention.Training;

/// <summary>Where training stands after a batch, for a notebook or the command line to show.</summary>
/// <param name="Epoch">1-based.</param>
/// <param name="Batch">Batches done in this epoch.</param>
/// <param name="Batches">Batches in an epoch.</param>
/// <param name="Loss">Mean training loss so far in this epoch.</param>
/// <param name="Epochs">The most epochs this run may take (the cap).</param>
public sealed record BatchProgress(int Epoch, int Batch, int Batches, double Loss, int Epochs)
{
    /// <summary>Share of the run done if it goes to the cap, from 0 to 1.</summary>
    public double Fraction => ((Epoch - 1) + (double)Batch / Math.Max(1, Batches)) / Math.Max(1, Epochs);
}
