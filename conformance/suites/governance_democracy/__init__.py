"""Authored vectors for democracy and the scheduler [DEM-1]..[DEM-27] [SCH-1]..[SCH-4].

Every case is written against ``spec/democracy.md``: each call states the
outcome the rules give, and fill-time checks recompute what the rules say
(tallies, thresholds with exact fractions, deposits, locks) independently of
the reference's own functions. Most cases use the ``minimal`` preset (launch
and voting periods of 5 blocks, enactment and lock periods of 3); the
lifecycle of a referendum that enacts a transfer also runs with Phala's
parameters. Block numbers skip: a gap stands for empty blocks whose hooks
ran [SCH-4].

Handlers: ``proposals`` (propose, second), ``launch`` (alternation, ties),
``voting`` (vote checks, tallies and thresholds, origins), ``locks``
(removal and unlock), ``delegation``, ``external`` (external proposals,
fast-track, veto), ``cancellation`` (emergency cancel, cancel, blacklist,
clearing), ``enactment`` (whole lifecycles) and ``scheduler`` (agendas).

Modules: ``proposals`` [DEM-4]..[DEM-6] [DEM-18], ``voting`` [DEM-7]..[DEM-13],
``external`` [DEM-14]..[DEM-23], ``enactment`` [DEM-10] [SCH-2]..[SCH-4];
``common`` holds the calls, blocks and independent statements of the rules
they share.
"""
