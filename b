series,date,method,point,lo80,hi80,lo95,hi95,model
RBC,2024-07-01,snaive,737.0,697.6,776.4,676.7,797.3,snaive(m=12)
RBC,2024-08-01,snaive,678.0,638.6,717.4,617.7,738.3,snaive(m=12)
RBC,2024-09-01,snaive,664.0,624.6,703.4,603.7,724.3,snaive(m=12)
