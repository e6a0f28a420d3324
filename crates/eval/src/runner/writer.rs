//! [`LogWriter`]: the run log on its own thread. Encoding records (JSON and
//! gzip) is the one serial step of a run; done here, it never keeps the run
//! loop from starting the next sample.

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::runlog::{RunLog, RunLogError, SampleRecord};

use super::execute::RunError;

/// Batches waiting for the writer before the run loop waits.
const QUEUE: usize = 4;

/// Appends batches of records to a run log on a blocking thread.
pub(super) struct LogWriter {
    batches: Option<mpsc::Sender<Vec<SampleRecord>>>,
    thread: JoinHandle<Result<RunLog, RunLogError>>,
}

impl LogWriter {
    /// Hands `log` to a writer thread.
    pub(super) fn start(mut log: RunLog) -> Self {
        let (batches, mut queue) = mpsc::channel::<Vec<SampleRecord>>(QUEUE);
        let thread = tokio::task::spawn_blocking(move || {
            while let Some(batch) = queue.blocking_recv() {
                log.append_batch(&batch)?;
            }
            log.sync()?;
            Ok(log)
        });
        LogWriter {
            batches: Some(batches),
            thread,
        }
    }

    /// Queues a batch; waits when the writer is behind. When the writer has
    /// failed, returns its error.
    pub(super) async fn append(&mut self, batch: Vec<SampleRecord>) -> Result<(), RunError> {
        let sent = match &self.batches {
            Some(batches) => batches.send(batch).await.is_ok(),
            None => false,
        };
        if sent {
            return Ok(());
        }
        // The writer stopped: it can only have stopped on an error.
        self.batches = None;
        match (&mut self.thread).await {
            Ok(Err(e)) => Err(e.into()),
            Ok(Ok(_)) => Err(RunError::Invalid("the run log writer stopped early".into())),
            Err(e) => Err(RunError::Invalid(format!("the run log writer failed: {e}"))),
        }
    }

    /// Waits until everything queued is written and synced; returns the log.
    pub(super) async fn finish(mut self) -> Result<RunLog, RunError> {
        self.batches = None;
        match self.thread.await {
            Ok(result) => Ok(result?),
            Err(e) => Err(RunError::Invalid(format!("the run log writer failed: {e}"))),
        }
    }
}
