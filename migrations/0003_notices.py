"""Official account (issue 3): the notices outbox, subscribe-message consents and station check-ins."""

import models


def up(migrator, db):
    db.create_tables([models.Notice, models.SubscribeConsent, models.CheckIn], safe=True)
