"""pallet-scheduler, the part democracy uses: named tasks dispatched as root [SCH-1]..[SCH-4].

Only what enactment needs is specified: ``schedule_named`` from another
pallet and the service of a block's agenda. The scheduler's own extrinsics
(``schedule``, ``cancel``, periodic tasks, retries) are not specified, and
weight is not modelled: every task of an agenda fits in its block.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...chain.democracy_state import ScheduledTask
from ...chain.dispatch import dispatch
from ...chain.state import ChainState, Events, Root, event
from ...primitives.records import evolve

if TYPE_CHECKING:
    from ...chain.dispatch import CallData


def schedule_named(
    state: ChainState, now: int, name: bytes, when: int, priority: int, call: CallData
) -> tuple[ChainState, Events]:
    """Put a named task in the agenda of block ``when``, dispatched as root [SCH-2].

    A task that cannot be scheduled (the name is taken, ``when`` is not in the
    future, the agenda is full) is dropped: the caller (democracy) ignores the
    error, as production does, and nothing changes.
    """
    sched = state.scheduler
    agenda = sched.agenda.get(when, ())
    if name in sched.lookup or when <= now:
        return state, ()
    task = ScheduledTask(name, priority, call)
    if len(agenda) < state.config.scheduler.max_scheduled_per_block:
        slot = len(agenda)
        agenda = (*agenda, task)
    elif None in agenda:
        slot = agenda.index(None)
        agenda = (*agenda[:slot], task, *agenda[slot + 1 :])
    else:
        return state, ()
    sched = evolve(
        sched, agenda=sched.agenda.set(when, agenda), lookup=sched.lookup.set(name, (when, slot))
    )
    return evolve(state, scheduler=sched), (event("Scheduler.Scheduled", when=when, index=slot),)


def service_agenda(state: ChainState, now: int) -> tuple[ChainState, Events]:
    """Dispatch the tasks of block ``now`` [SCH-3].

    In priority order (lower first; equal priorities keep their slot order),
    each task is dispatched as root, transactionally [CHAIN-12], and reported
    by ``Scheduler.Dispatched`` with its address ``(block, slot)``, its name
    and ``ok`` or the error code. The agenda of the block is then gone.
    """
    agenda = state.scheduler.agenda.get(now)
    if agenda is None:
        return state, ()
    sched = evolve(state.scheduler, agenda=state.scheduler.agenda.delete(now))
    state = evolve(state, scheduler=sched)
    order = sorted((task.priority, slot) for slot, task in enumerate(agenda) if task is not None)
    events: Events = ()
    for _, slot in order:
        task = agenda[slot]
        assert task is not None
        if task.id is not None and task.id in state.scheduler.lookup:
            lookup = state.scheduler.lookup.delete(task.id)
            state = evolve(state, scheduler=evolve(state.scheduler, lookup=lookup))
        state, outcome, dispatched = dispatch(state, Root(), task.call)
        events = (
            *events,
            *dispatched,
            event("Scheduler.Dispatched", task=[now, slot], id=task.id, result=outcome),
        )
    return state, events
