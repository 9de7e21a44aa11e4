//! One view of the world: a timeline with its cost model and marks.

use super::timeline::{TimelineModel, timeline_model};
use crate::model::Timeline;

/// One view of the world: the actual record, or a scenario laid over it, with its
/// cost model and timeline marks (built together, on a worker for a file that loads).
#[derive(Clone)]
pub struct World {
    pub timeline: std::sync::Arc<Timeline>,
    pub costs: std::sync::Arc<crate::model::costs::CostModel>,
    pub timeline_model: std::sync::Arc<TimelineModel>,
}

impl World {
    /// Builds the cost model and the timeline marks of `timeline`.
    pub fn new(timeline: Timeline) -> Self {
        World {
            costs: std::sync::Arc::new(crate::model::costs::CostModel::new(&timeline)),
            timeline_model: std::sync::Arc::new(timeline_model(&timeline)),
            timeline: std::sync::Arc::new(timeline),
        }
    }
}
