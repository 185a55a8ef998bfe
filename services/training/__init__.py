"""Pre-job training (岗前培训): skills, trainers and their enterprise, courses and sessions, enrolment under a guarded
seat counter, attendance, the trainer's pass or fail, append-only certificates and their revocations, and the gate
that refuses an order of a job requiring skills without a valid certificate for each.
"""
